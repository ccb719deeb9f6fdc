//! The live-server harness itself works: servers start, answer, report the expected versions,
//! clusters form and route keys, and dropping a server really stops it.

use std::collections::HashSet;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use kvcodec_tests::{
    Cluster, Server, ServerKind, incompressible, info_field, json_value, python_has_module,
    run_python,
};
use redis::Commands;

fn set_get_roundtrip(server: &Server) {
    let mut con = server.connection();
    let value = json_value(2048, 42);
    let () = con.set("harness:key", &value).unwrap();
    let back: Vec<u8> = con.get("harness:key").unwrap();
    assert_eq!(back, value);
    let missing: Option<Vec<u8>> = con.get("harness:missing").unwrap();
    assert_eq!(missing, None);
}

#[test]
fn redis_server_answers_and_reports_version_7() {
    let server = Server::start(ServerKind::Redis);
    set_get_roundtrip(&server);
    let info = server.info("server");
    let version = info_field(&info, "redis_version").expect("INFO server has redis_version");
    assert!(
        version.starts_with("7."),
        "expected redis_version 7.x, found {version}"
    );
    assert_eq!(
        info_field(&info, "valkey_version"),
        None,
        "Redis must not report valkey_version"
    );
    assert_eq!(
        info_field(&info, "tcp_port"),
        Some(server.port().to_string())
    );
    assert_eq!(
        info_field(&info, "process_id"),
        Some(server.pid().to_string())
    );
}

#[test]
fn valkey_server_answers_and_reports_version_9() {
    let server = Server::start(ServerKind::Valkey);
    set_get_roundtrip(&server);
    let info = server.info("server");
    let version = info_field(&info, "valkey_version").expect("INFO server has valkey_version");
    assert!(
        version.starts_with("9."),
        "expected valkey_version 9.x, found {version}"
    );
    assert_eq!(info_field(&info, "server_name").as_deref(), Some("valkey"));
    assert_eq!(
        info_field(&info, "tcp_port"),
        Some(server.port().to_string())
    );
}

#[test]
fn persistence_is_off_and_extra_args_apply() {
    for kind in ServerKind::ALL {
        let server = Server::start_with_args(kind, &["--maxmemory", "10mb"]);
        let mut con = server.connection();
        let config = |name: &str, con: &mut redis::Connection| -> String {
            let pair: Vec<String> = redis::cmd("CONFIG")
                .arg("GET")
                .arg(name)
                .query(con)
                .unwrap();
            assert_eq!(pair.len(), 2, "CONFIG GET {name} on {kind}: {pair:?}");
            pair[1].clone()
        };
        assert_eq!(config("maxmemory", &mut con), "10485760", "{kind}");
        assert_eq!(config("save", &mut con), "", "{kind}");
        assert_eq!(config("appendonly", &mut con), "no", "{kind}");
        let dir = config("dir", &mut con);
        assert_eq!(
            Path::new(&dir).canonicalize().unwrap(),
            server.dir().canonicalize().unwrap(),
            "{kind} runs in its own temp dir"
        );
        assert!(
            server.log().contains("Ready to accept connections"),
            "{kind} log:\n{}",
            server.log()
        );
    }
}

#[test]
fn dropping_a_server_kills_it_and_removes_its_dir() {
    for kind in ServerKind::ALL {
        let server = Server::start(kind);
        let port = server.port();
        let pid = server.pid();
        let dir = server.dir().to_path_buf();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok());
        assert!(Path::new(&format!("/proc/{pid}")).exists());
        drop(server);
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
            "{kind} still answers on port {port} after drop"
        );
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "{kind} process {pid} still exists"
        );
        assert!(
            !dir.exists(),
            "{kind} temp dir {} still exists",
            dir.display()
        );
    }
}

#[test]
fn parallel_servers_get_distinct_ports_and_dirs() {
    let servers: Vec<Server> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|i| scope.spawn(move || Server::start(ServerKind::ALL[i % 2])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ports: HashSet<u16> = servers.iter().map(Server::port).collect();
    let dirs: HashSet<_> = servers.iter().map(|s| s.dir().to_path_buf()).collect();
    assert_eq!(ports.len(), servers.len());
    assert_eq!(dirs.len(), servers.len());
    for (i, server) in servers.iter().enumerate() {
        let mut con = server.connection();
        let () = con.set("who", i).unwrap();
    }
    for (i, server) in servers.iter().enumerate() {
        let who: usize = server.connection().get("who").unwrap();
        assert_eq!(who, i, "server {} answered for another", server.url());
    }
}

/// Forms a cluster of `kind` and checks it routes keys in different slots to all nodes.
fn check_cluster(kind: ServerKind) {
    let cluster = Cluster::start(kind);
    assert_eq!(cluster.nodes().len(), 3);
    assert_eq!(cluster.urls().len(), 3);
    for node in cluster.nodes() {
        let info = node.cluster_info();
        assert_eq!(
            info_field(&info, "cluster_state").as_deref(),
            Some("ok"),
            "{kind} {info}"
        );
        assert_eq!(
            info_field(&info, "cluster_slots_assigned").as_deref(),
            Some("16384")
        );
    }

    let mut con = cluster.connection();
    let keys: Vec<String> = (0..30).map(|i| format!("harness:{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        let () = con.set(key, json_value(100 + i, i as u64)).unwrap();
    }
    let mut owners = HashSet::new();
    let mut slots = HashSet::new();
    for (i, key) in keys.iter().enumerate() {
        let back: Vec<u8> = con.get(key).unwrap();
        assert_eq!(back, json_value(100 + i, i as u64), "{kind} key {key}");
        // Exactly one master holds the key; the others redirect with MOVED.
        let holders: Vec<usize> = cluster
            .nodes()
            .iter()
            .enumerate()
            .filter(|(_, node)| {
                let direct: redis::RedisResult<Vec<u8>> = node.connection().get(key);
                match direct {
                    Ok(value) => value == json_value(100 + i, i as u64),
                    Err(e) => {
                        assert_eq!(e.code(), Some("MOVED"), "{kind} direct GET {key}: {e}");
                        false
                    }
                }
            })
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "{kind} key {key} held by nodes {holders:?}"
        );
        owners.insert(holders[0]);
        let slot: u16 = redis::cmd("CLUSTER")
            .arg("KEYSLOT")
            .arg(key)
            .query(&mut cluster.nodes()[0].connection())
            .unwrap();
        slots.insert(slot);
    }
    assert_eq!(
        owners.len(),
        3,
        "{kind}: 30 keys should spread over all three masters"
    );
    assert!(
        slots.len() > 20,
        "{kind}: keys should fall in many slots, found {}",
        slots.len()
    );
}

#[test]
fn redis_cluster_forms_and_routes_keys() {
    check_cluster(ServerKind::Redis);
}

#[test]
fn valkey_cluster_forms_and_routes_keys() {
    check_cluster(ServerKind::Valkey);
}

#[test]
fn json_value_is_exact_size_valid_json_and_deterministic() {
    for size in (0..400).chain([1000, 4096, 65_536, 1 << 20]) {
        let doc = json_value(size, size as u64);
        assert_eq!(doc.len(), size, "json_value({size})");
        assert_eq!(
            doc,
            json_value(size, size as u64),
            "json_value({size}) is deterministic"
        );
        if size > 0 {
            let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&doc);
            assert!(
                parsed.is_ok(),
                "json_value({size}) is not JSON: {}",
                String::from_utf8_lossy(&doc)
            );
        }
    }
    assert_ne!(
        json_value(4096, 1),
        json_value(4096, 2),
        "the seed changes the document"
    );
    let big = json_value(65_536, 3);
    let records = serde_json::from_slice::<Vec<serde_json::Value>>(&big).unwrap();
    assert!(
        records.len() > 500,
        "a 64 KiB document has many records, found {}",
        records.len()
    );
}

#[test]
fn incompressible_is_exact_size_and_seeded() {
    assert_eq!(incompressible(0, 1), Vec::<u8>::new());
    assert_eq!(incompressible(1001, 1).len(), 1001);
    assert_eq!(incompressible(1001, 1), incompressible(1001, 1));
    assert_ne!(incompressible(1001, 1), incompressible(1001, 2));
    let distinct: HashSet<u8> = incompressible(65_536, 9).into_iter().collect();
    assert_eq!(distinct.len(), 256, "noise uses every byte value");
}

#[test]
fn run_python_passes_args_and_returns_stdout() {
    let out = run_python(
        "import sys\nprint(sum(int(a) for a in sys.argv[1:]))\n",
        &["20", "22"],
    );
    assert_eq!(out, "42\n");
}

#[test]
#[should_panic(expected = "ZeroDivisionError")]
fn run_python_panics_with_stderr_on_failure() {
    run_python("1 / 0", &[]);
}

#[test]
fn interop_python_packages_are_installed() {
    for module in ["glide", "zstandard", "lz4.block"] {
        assert!(
            python_has_module(module),
            "python module {module} missing; run ./scripts/setup.sh"
        );
    }
    let version = run_python(
        "import importlib.metadata as m; print(m.version('valkey-glide'))",
        &[],
    );
    assert_eq!(version.trim(), "2.6.0");
}
