// zxcvbn-ts ships types for its internal modules under their extensionless names only; the
// strength estimate imports one by its file's real name, as Node resolves it at run time.
declare module '@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.cjs' {
  export { default } from '@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords';
}
