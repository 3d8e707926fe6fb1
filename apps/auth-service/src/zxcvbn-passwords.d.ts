// @zxcvbn-ts/language-common has no exports map; its index re-exports this
// module as dictionary['passwords-common'].
declare module '@zxcvbn-ts/language-common/dist/passwords.json.mjs' {
  const passwords: string[]
  export default passwords
}
