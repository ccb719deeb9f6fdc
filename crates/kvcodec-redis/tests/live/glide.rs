//! Interoperability with the real Valkey GLIDE client (PyPI `valkey-glide` 2.6.0) against the
//! same live server: GLIDE's zstd and lz4 values are read by kvcodec-redis, and kvcodec-redis'
//! values are read by GLIDE, byte-exact.

use kvcodec::Mode;
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, every_server, incompressible, json_value, run_python};
use redis::Commands;

use crate::{engine, is_compressed, raw_get};

/// Runs GLIDE 2.6.0 (Python) against `port` with compression on (`backend`: `ZSTD` or `LZ4`):
/// each op is `set|KEY|FILE` (write the file's bytes) or `get|KEY|FILE` (write the value read).
pub const GLIDE: &str = r#"
import asyncio, sys
from glide import (GlideClient, GlideClientConfiguration, NodeAddress,
                   CompressionConfiguration, CompressionBackend)

port, backend, ops = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

async def main():
    config = GlideClientConfiguration(
        [NodeAddress("127.0.0.1", port)],
        compression=CompressionConfiguration(enabled=True, backend=CompressionBackend[backend]))
    client = await GlideClient.create(config)
    for op in ops:
        action, key, path = op.split("|")
        if action == "set":
            with open(path, "rb") as f:
                await client.set(key, f.read())
        else:
            value = await client.get(key)
            with open(path, "wb") as f:
                f.write(value)
    await client.close()

asyncio.run(main())
"#;

fn values() -> Vec<Vec<u8>> {
    vec![
        json_value(100, 1),
        json_value(1500, 2),
        json_value(40_000, 3),
        b"short".to_vec(),
        incompressible(2000, 4),
        b"The quick brown fox jumps over the lazy dog. ".repeat(4),
    ]
}

fn glide_interop(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let port = server.port().to_string();
    for (backend, name, id) in [("ZSTD", "zstd", 1u8), ("LZ4", "lz4", 2u8)] {
        let values = values();
        let path = |tag: &str, i: usize| {
            dir.path()
                .join(format!("{name}-{tag}-{i}"))
                .display()
                .to_string()
        };

        // GLIDE writes, kvcodec-redis reads.
        let mut ops = Vec::new();
        for (i, v) in values.iter().enumerate() {
            std::fs::write(path("in", i), v).unwrap();
            ops.push(format!("set|glide:{name}:{i}|{}", path("in", i)));
        }
        // kvcodec-redis writes (with the same backend), GLIDE reads.
        let mut con = Compression::new(engine(name, Mode::On)).wrap(server.connection());
        for (i, v) in values.iter().enumerate() {
            let _: () = con.set(format!("kv:{name}:{i}"), v).unwrap();
            ops.push(format!("get|kv:{name}:{i}|{}", path("out", i)));
        }
        let mut args = vec![port.as_str(), backend];
        args.extend(ops.iter().map(String::as_str));
        run_python(GLIDE, &args);

        for (i, v) in values.iter().enumerate() {
            let glide_stored = raw_get(&mut plain, &format!("glide:{name}:{i}"));
            let ours_stored = raw_get(&mut plain, &format!("kv:{name}:{i}"));
            // Both sides apply the same policy: compressed iff ≥ 64 bytes and it shrinks
            // (value 0, 100 bytes, is borderline: frame details may tip it either way).
            let expected = [
                None,
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                Some(true),
            ][i];
            if let Some(expected) = expected {
                assert_eq!(
                    is_compressed(&glide_stored),
                    expected,
                    "{kind}: GLIDE {name} value {i}"
                );
                assert_eq!(
                    is_compressed(&ours_stored),
                    expected,
                    "{kind}: kvcodec {name} value {i}"
                );
            }
            if is_compressed(&ours_stored) {
                assert_eq!(ours_stored[..5], [0, 1, 2, 0, id]);
                assert_eq!(glide_stored[..5], [0, 1, 2, 0, id]);
            }
            let read: Vec<u8> = con.get(format!("glide:{name}:{i}")).unwrap();
            assert!(
                read == *v,
                "{kind}: kvcodec read GLIDE's {name} value {i} wrong"
            );
            let glide_read = std::fs::read(path("out", i)).unwrap();
            assert!(
                glide_read == *v,
                "{kind}: GLIDE read kvcodec's {name} value {i} wrong"
            );
        }
    }
}

every_server!(glide_interop);
