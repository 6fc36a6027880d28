import type { Target } from './runtimes';

/**
 * Shared libraries a function can link against without shipping them: the system libraries of the runtime's
 * Amazon Linux base image (`/lib64`, `/usr/lib64`) and the runtime's own (`/var/lang/lib`). Listed from the
 * packages of the Lambda base images (glibc, libgcc, libstdc++, zlib, openssl, krb5, curl and their
 * dependencies); anything else a native module needs must come with the layer (libpq.so.5, libGL.so.1, …).
 */
const COMMON = [
  'libc.so.6',
  'libm.so.6',
  'libdl.so.2',
  'libpthread.so.0',
  'librt.so.1',
  'libutil.so.1',
  'libresolv.so.2',
  'libanl.so.1',
  'libBrokenLocale.so.1',
  'libnss_files.so.2',
  'libnss_dns.so.2',
  'libmvec.so.1',
  'libthread_db.so.1',
  'ld-linux-x86-64.so.2',
  'ld-linux-aarch64.so.1',
  'libgcc_s.so.1',
  'libstdc++.so.6',
  'libz.so.1',
  'libexpat.so.1',
  'libbz2.so.1',
  'liblzma.so.5',
  'libsqlite3.so.0',
  'libuuid.so.1',
  'libblkid.so.1',
  'libmount.so.1',
  'libselinux.so.1',
  'libcap.so.2',
  'libattr.so.1',
  'libacl.so.1',
  'libgmp.so.10',
  'libkeyutils.so.1',
  'libcom_err.so.2',
  'libgssapi_krb5.so.2',
  'libkrb5.so.3',
  'libk5crypto.so.3',
  'libkrb5support.so.0',
  'libcurl.so.4',
  'libnghttp2.so.14',
  'libidn2.so.0',
  'libssh2.so.1',
  'libtinfo.so.6',
  'libncursesw.so.6',
  'libgpg-error.so.0',
  'libsystemd.so.0',
  'liblz4.so.1',
  'libxml2.so.2',
  'libelf.so.1',
  'libpsl.so.5',
  'libunistring.so.0',
  'libsasl2.so.3',
  'libnspr4.so',
  'libplc4.so',
  'libplds4.so',
  'libnss3.so',
  'libnssutil3.so',
  'libsmime3.so',
  'libssl3.so',
];

const AMAZON_LINUX_2 = [
  ...COMMON,
  'libcrypt.so.1',
  'libnsl.so.1',
  'libffi.so.6',
  'libssl.so.10',
  'libcrypto.so.10',
  'libssl.so.1.1',
  'libcrypto.so.1.1',
  'libpcre.so.1',
  'libreadline.so.6',
  'libgcrypt.so.11',
  'libgdbm.so.4',
  'libdb-5.3.so',
  'liblber-2.4.so.2',
  'libldap-2.4.so.2',
];

const AMAZON_LINUX_2023 = [
  ...COMMON,
  'libcrypt.so.2',
  'libffi.so.8',
  'libssl.so.3',
  'libcrypto.so.3',
  'libpcre2-8.so.0',
  'libreadline.so.8',
  'libgcrypt.so.20',
  'libzstd.so.1',
  'libgdbm.so.6',
  'liblber.so.2',
  'libldap.so.2',
];

/** The runtime's base image: Amazon Linux 2 for python3.10/3.11 and nodejs18.x (glibc 2.26), Amazon Linux 2023 after. */
export function baseImageName(target: Target): string {
  return target.os === 'al2' ? 'Amazon Linux 2' : 'Amazon Linux 2023';
}

export function baseImageLibraries(target: Target): ReadonlySet<string> {
  return new Set([
    ...(target.os === 'al2' ? AMAZON_LINUX_2 : AMAZON_LINUX_2023),
    // Node.js on Lambda is one static binary: it brings no shared library of its own.
    ...(target.language === 'python' ? [`libpython${target.pythonVersion}.so.1.0`] : []),
  ]);
}
