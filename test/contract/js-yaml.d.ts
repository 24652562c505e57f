/** The one function of js-yaml (installed with cosmiconfig) that the contract tests use. */
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
