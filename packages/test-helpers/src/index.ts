export { type Certificates, makeCertificates, opensslMissing } from './certificates.js'
