/** What one attempt at a channel came to; `excerpt` is what an operator reads in the log. */
export interface SendResult {
  ok: boolean;
  status: number | null;
  excerpt: string;
}

export const EXCERPT_CHARS = 500;
export const excerptOf = (text: string): string => text.slice(0, EXCERPT_CHARS);
