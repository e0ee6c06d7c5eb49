/**
 * The Lab page island (a plain module script, stack.md §3.5): starts the live-experiment controller
 * on the page's one experiment.
 */
import { startLab } from './lab-controller';

document.querySelectorAll<HTMLElement>('[data-lab-root]').forEach((root) => void startLab(root));
