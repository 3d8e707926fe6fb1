export {
  type Certificates,
  makeCertificates,
  opensslMissing,
  SPIFFE_CLIENT_ID,
} from './certificates.js'
