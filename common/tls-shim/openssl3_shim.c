/*
 * Debian 12's civetweb 1.15 loads OpenSSL at run time with dlopen("libssl.so") and dlsym(), and was built for the
 * OpenSSL 1.1 API: it looks up SSL_get_peer_certificate, which OpenSSL 3 renamed to SSL_get1_peer_certificate. The
 * lookup yields NULL and civetweb calls it on every TLS connection (a segfault).
 *
 * This library has the SONAME "libssl.so" and depends on the real libssl.so.3. Loaded before civetweb starts
 * (see http_server.cpp), glibc hands it to civetweb's dlopen("libssl.so"); every symbol resolves to libssl.so.3
 * through the dependency, and the missing one resolves to the definition below.
 */
#include <openssl/ssl.h>

/* OpenSSL 3 keeps the old name only as a macro for source compatibility. */
#undef SSL_get_peer_certificate

X509* SSL_get_peer_certificate(const SSL* ssl);

X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
