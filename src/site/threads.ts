/**
 * GitHub threads cited as evidence (the maintainers' answers collected in the reference's reader
 * questions): "owner/repo #752" for an issue, "owner/repo PR #1664" for a pull request, several
 * numbers of one repository separated by commas ("haotian-liu/LLaVA #723, #1059"). Parsed once here
 * so every thread on the site is a link, not plain text, and a malformed reference fails the build
 * naming it.
 */
export interface ThreadLink {
  /** "haotian-liu/LLaVA #723" for the first number, "#1059" for the following ones. */
  label: string;
  href: string;
}

const REPO = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+) (.+)$/;
const ITEM = /^(PR )?#(\d+)$/;

export function parseThreads(ref: string): ThreadLink[] {
  const m = REPO.exec(ref.trim());
  if (!m) throw new Error(`thread reference "${ref}" must look like "owner/repo #123" or "owner/repo PR #123"`);
  const repo = m[1] as string;
  const items = (m[2] as string).split(/,\s*/);
  return items.map((item, i) => {
    const n = ITEM.exec(item);
    if (!n) throw new Error(`thread reference "${ref}": "${item}" is not "#123" or "PR #123"`);
    const isPr = n[1] !== undefined;
    const number = n[2] as string;
    return {
      label: `${i === 0 ? `${repo} ` : ''}${isPr ? 'PR ' : ''}#${number}`,
      href: `https://github.com/${repo}/${isPr ? 'pull' : 'issues'}/${number}`,
    };
  });
}
