/**
 * Breached and common passwords, refused at sign-up, password change and for the admin bootstrap (NIST
 * 800-63B 5.1.1.2: check new passwords against values known from breach corpora). The list is zxcvbn-ts's
 * `passwords-common`: about 49,000 passwords ranked by how often they appear in published breaches, shipped
 * with the package and checked offline (no password leaves the process). It is loaded on first use (about
 * 380 KB of source) so an idle gateway does not hold it, and compared case-insensitively: `Password` and
 * `PASSWORD` are as guessable as `password`.
 */
type Dictionary = Record<string, readonly string[] | undefined>;
interface LanguageModule {
  dictionary?: Dictionary;
  default?: { dictionary?: Dictionary };
}

let loading: Promise<ReadonlySet<string>> | undefined;

function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then((mod: LanguageModule) => {
    // The package is CommonJS for Node: its exports arrive as named exports under tsx and as `default` in
    // the compiled (esbuild) server.
    const dictionary = mod.dictionary ?? mod.default?.dictionary;
    const list = dictionary?.['passwords-common'];
    if (!Array.isArray(list)) throw new Error('the common-password list did not load');
    return new Set(list.map((p: string) => p.toLowerCase()));
  });
  return loading;
}

/** True when `password` (already normalised) is on the common list, in any letter case. */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.toLowerCase());
}
