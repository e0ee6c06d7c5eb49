/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Set by the article route before rendering, read by Figure/CiteThis for citations. */
    page?: import('./site/citation').PageCitation;
  }
}
