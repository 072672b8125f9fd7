import { webcrypto } from 'node:crypto';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type Crypto = webcrypto.Crypto;
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509 on node's WebCrypto: one place sets the provider, every security module imports
 * the library from here.
 */
x509.cryptoProvider.set(webcrypto as never);
export { x509 };
export const subtle = webcrypto.subtle;

/** ECDSA P-256 with SHA-256: the CSMS's keys (2.0.1 part 2 appendix allows secp256r1 / RSA ≥ 2048). */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

