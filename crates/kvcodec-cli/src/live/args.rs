//! The options every command that talks to a server shares: where (`--url`, or `REDIS_URL`),
//! TLS (`rediss://`, `--cacert`, `--insecure`, as redis-cli names them) and the password
//! (`REDISCLI_AUTH`, as redis-cli reads it), so credentials need not appear in `argv`.
//!
//! ```text
//! export REDIS_URL=rediss://app@cache.example:6380/0
//! export REDISCLI_AUTH='s3cr3t'            # used when the URL carries no password
//! kvcodec migrate --to zstd:3 --cacert /etc/ssl/private-ca.pem
//! ```
//!
//! Messages never print a password: URLs are shown through [`redact`], which parses them.

use std::path::{Path, PathBuf};

use redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo, TlsCertificates};

use crate::files;
use crate::live::error::LiveError;

/// Where the password comes from when the URL carries none (redis-cli's variable).
pub(crate) const AUTH_VAR: &str = "REDISCLI_AUTH";

/// What `--url` accepts, for messages.
pub(crate) const URL_FORMS: &str =
    "redis://[user[:password]@]host[:port][/db], rediss://… for TLS, or unix:///path/to.sock";

/// TLS options (redis-cli's names).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct TlsArgs {
    /// CA certificate (PEM) to trust for a `rediss://` server, instead of the system's roots
    /// (redis-cli's `--cacert`).
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,
    /// Do not verify the `rediss://` server's certificate (redis-cli's `--insecure`): for test
    /// servers only.
    #[arg(long)]
    pub(crate) insecure: bool,
}

/// `--url` for a command that always talks to a server; `REDIS_URL` when absent.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ServerArgs {
    /// Server URL: `redis://[user[:password]@]host[:port][/db]`, `rediss://…` for TLS; any
    /// node of a cluster. Default: `$REDIS_URL`. A password may come from `$REDISCLI_AUTH`.
    #[arg(long, value_name = "URL", env = "REDIS_URL", hide_env_values = true)]
    pub(crate) url: String,
    /// TLS.
    #[command(flatten)]
    pub(crate) tls: TlsArgs,
}

/// A server to connect to: its parsed URL with the password and TLS settings applied.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The parsed URL, with `REDISCLI_AUTH` and `--cacert`/`--insecure` applied.
    pub(crate) info: ConnectionInfo,
    /// The CA given by `--cacert` (PEM), for cluster connections, which take it separately.
    pub(crate) ca_pem: Option<Vec<u8>>,
}

impl Target {
    /// Parses `url` and applies the password from `REDISCLI_AUTH` (when the URL has none) and
    /// the TLS options. A malformed URL, an unreadable CA file, or TLS options on a URL that
    /// is not `rediss://` are usage errors.
    pub(crate) fn new(url: &str, tls: &TlsArgs) -> Result<Target, LiveError> {
        Target::with_auth(url, tls, std::env::var(AUTH_VAR).ok())
    }

    /// [`new`](Self::new) with the password variable's value given.
    pub(crate) fn with_auth(
        url: &str,
        tls: &TlsArgs,
        auth: Option<String>,
    ) -> Result<Target, LiveError> {
        let mut info = url.into_connection_info().map_err(|e| {
            LiveError::Options(format!(
                "bad --url {:?}: expected {URL_FORMS} ({})",
                redact(url),
                e.detail().unwrap_or("does not parse")
            ))
        })?;
        if let Some(password) = auth.filter(|p| !p.is_empty())
            && info.redis_settings().password().is_none()
        {
            let settings = info.redis_settings().clone().set_password(password);
            info = info.set_redis_settings(settings);
        }
        let is_tls = matches!(info.addr(), ConnectionAddr::TcpTls { .. });
        if (tls.cacert.is_some() || tls.insecure) && !is_tls {
            return Err(LiveError::Options(format!(
                "--cacert and --insecure need a rediss:// URL, found {:?}",
                redact(url)
            )));
        }
        if tls.insecure {
            let mut addr = info.addr().clone();
            if let ConnectionAddr::TcpTls { insecure, .. } = &mut addr {
                *insecure = true;
            }
            info = info.set_addr(addr);
        }
        let ca_pem = match &tls.cacert {
            Some(path) => Some(read_ca(path)?),
            None => None,
        };
        if let Some(pem) = &ca_pem {
            let certificates = TlsCertificates {
                client_tls: None,
                root_cert: Some(pem.clone()),
            };
            info = redis::Client::build_with_tls(info, certificates)
                .map_err(|e| {
                    LiveError::Options(format!(
                        "--cacert {}: expected a PEM certificate: {e}",
                        path_text(tls.cacert.as_deref())
                    ))
                })?
                .get_connection_info()
                .clone();
        }
        Ok(Target { info, ca_pem })
    }

    /// The CA for cluster clients, as redis-rs takes it.
    pub(crate) fn certificates(&self) -> Option<TlsCertificates> {
        self.ca_pem.as_ref().map(|pem| TlsCertificates {
            client_tls: None,
            root_cert: Some(pem.clone()),
        })
    }
}

fn path_text(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string()).unwrap_or_default()
}

fn read_ca(path: &Path) -> Result<Vec<u8>, LiveError> {
    let pem = files::read("CA file", path)?;
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(LiveError::Options(format!(
            "--cacert {}: expected a PEM certificate (-----BEGIN CERTIFICATE-----), found none",
            path.display()
        )));
    }
    Ok(pem)
}

/// `url` with its password replaced by `***`, parsed as a URL (a password may contain `@` or
/// `:`, a host may be IPv6). A URL the parser rejects (a bad port, say) is redacted by its
/// shape: everything between `://` and the *last* `@` is user info, of which only the user
/// name is kept; without `://` it is not echoed at all.
pub(crate) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            } else if !parsed.username().is_empty() && parsed.scheme().starts_with("redis") {
                // `redis://secret@host`: redis-rs reads a lone user-info as the password.
                let _ = parsed.set_username("***");
            } else {
                return url.to_owned(); // nothing secret: shown as given
            }
            parsed.to_string()
        }
        Err(_) => match url.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                    None => format!("{scheme}://***@{host}"),
                },
                None => url.to_owned(),
            },
            None => "(a URL that does not parse)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        for (url, shown) in [
            ("redis://u:pw@h:1", "redis://u:***@h:1"),
            ("redis://u:p@ss@h:1/2", "redis://u:***@h:1/2"),
            ("rediss://u:a:b@[::1]:6380/", "rediss://u:***@[::1]:6380/"),
            ("redis://pw@h:1", "redis://***@h:1"),
            ("redis://h:1", "redis://h:1"),
            ("not a url with secret", "(a URL that does not parse)"),
            ("redis://u:p@ss@h:x/0", "redis://u:***@h:x/0"),
            ("redis://p@ss@[::1:x", "redis://***@[::1:x"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn auth_variable_fills_a_missing_password() {
        let tls = TlsArgs::default();
        let t = Target::with_auth("redis://h:1", &tls, Some("s3cr3t".into())).unwrap();
        assert_eq!(t.info.redis_settings().password(), Some("s3cr3t"));
        let t = Target::with_auth("redis://u:mine@h:1", &tls, Some("other".into())).unwrap();
        assert_eq!(t.info.redis_settings().password(), Some("mine"));
        let e = Target::with_auth("redis://u:secret@h:1/x", &tls, None).unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn tls_options_need_rediss() {
        let tls = TlsArgs {
            insecure: true,
            ..TlsArgs::default()
        };
        let e = Target::with_auth("redis://h:1", &tls, None).unwrap_err();
        assert!(e.to_string().contains("need a rediss:// URL"), "{e}");
        let t = Target::with_auth("rediss://h:1", &tls, None).unwrap();
        assert!(matches!(
            t.info.addr(),
            ConnectionAddr::TcpTls { insecure: true, .. }
        ));
    }
}
