import slugify from "slugify";

/**
 * A project name (a slug, projectNameSchema) for a folder found in imported history. Letters
 * with accents and non-Latin scripts slugify can spell in Latin letters keep their word
 * ("Ärger" → "arger", "Проекты" → "proekty"); the bare a–z filter made "rger" of the first
 * and nothing of the second. Symbols separate words instead of becoming words ("a$b" is not
 * "adollarb"). Scripts with no Latin spelling here (CJK) fall back to "imported"; the path
 * stays on the project either way.
 */
export function projectSlug(folder: string): string {
  const words = folder.normalize("NFKC").replace(/[^\p{L}\p{M}\p{N}]+/gu, " ");
  return (
    slugify(words, { lower: true })
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 50)
      .replace(/-+$/, "") || "imported"
  );
}
