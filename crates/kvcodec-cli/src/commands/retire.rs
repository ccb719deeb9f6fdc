//! `kvcodec dict retire ID`: remove a dictionary from the server once no stored value uses it.
//!
//! Every primary is walked with the migration walker (SCAN batches; strings, hash values and
//! list elements). A value uses dictionary `ID` when it is a compact dictionary value
//! (header id `0x05`) naming it, or a zstd value (`0x01`) whose frame names it. While any
//! does, the command refuses (exit 3) and says how many; it refuses too when keys changed
//! type or value while walked (not every value was seen); otherwise it deletes the
//! dictionary's field from `kvcodec:dictionaries`. A list walked again counts afresh. A
//! dictionary the server does not have is refused (exit 2) before any key is walked.
//!
//! Retire only after every writer has switched to another dictionary and the values written
//! with this one were re-compressed (`kvcodec migrate --recompress`): a value written
//! between the walk and the delete would be left without its dictionary.

use std::io::Write;

use kvcodec_redis::dictionaries;
use kvcodec_redis::migrate::cas::At;
use kvcodec_redis::migrate::{MigrateError, Reason, Visit, Walker};
use redis::Connection;

use crate::commands::io::write_out;
use crate::error::CliError;
use crate::live::args::ServerArgs;

/// Arguments of `kvcodec dict retire`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RetireArgs {
    /// The dictionary id.
    #[arg(value_name = "ID")]
    pub(crate) id: u32,
    /// The server; for a cluster, any node (every primary is walked).
    #[command(flatten)]
    pub(crate) server: ServerArgs,
    /// SCAN COUNT hint and value chunk.
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) batch: u32,
}

/// Counts the values that use one dictionary.
struct Users {
    id: u32,
    count: u64,
    walked: u64,
    /// Of `count`, those found in the list being walked (taken back if it is walked again).
    in_list: u64,
    /// Keys that changed type or value while walked: their values were not all seen.
    unsure: u64,
}

impl Visit for Users {
    fn begin_key(&mut self) -> bool {
        true
    }

    fn skip_key(&mut self, reason: Reason) {
        if matches!(reason, Reason::TypeChanged | Reason::Changed) {
            self.unsure += 1;
        }
    }

    fn peek(&mut self, prefix: &[u8], _: u64) -> bool {
        self.walked += 1;
        // Only zstd values can name a dictionary; the id follows the first 5 bytes.
        kvcodec::header::has_header(prefix) && matches!(prefix[4], 0x01 | 0x05)
    }

    fn value(
        &mut self,
        _: &mut Connection,
        _: &[u8],
        at: At,
        bytes: Vec<u8>,
    ) -> Result<(), MigrateError> {
        if !matches!(at, At::String) {
            self.walked += 1;
        }
        if kvcodec_zstd::stored_dictionary_id(&bytes) == Some(self.id) {
            self.count += 1;
            self.in_list += u64::from(matches!(at, At::Index(_)));
        }
        Ok(())
    }

    /// A list walked again (it changed meanwhile): its users are counted afresh.
    fn list_walk(&mut self, attempt: usize) {
        if attempt > 0 {
            self.count -= self.in_list;
        }
        self.in_list = 0;
    }
}

/// `kvcodec dict retire`.
pub(crate) fn retire(args: &RetireArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.server.server()?;
    let (topology, nodes) = server.topology()?;
    // A dictionary the server does not have is refused before any key is walked.
    let exists: bool = redis::cmd("HEXISTS")
        .arg(dictionaries::KEY)
        .arg(args.id)
        .query(&mut *server.connect_to(topology.cluster)?)
        .map_err(|e| server.error("cannot read the dictionaries", e))?;
    if !exists {
        return Err(no_dictionary(args, &server.addr()));
    }
    let mut users = Users {
        id: args.id,
        count: 0,
        walked: 0,
        in_list: 0,
        unsure: 0,
    };
    for node in nodes {
        let mut walker = Walker::new(node, 0, None, args.batch as usize);
        while !walker.done {
            walker
                .batch(&mut users)
                .map_err(|e| CliError::failure(e.to_string()))?;
        }
    }
    if users.unsure > 0 && users.count == 0 {
        return Err(CliError::unverified(format!(
            "dictionary {} kept: {} key{} changed while walked, so not every value was seen; \
             rerun when writes settle",
            args.id,
            users.unsure,
            if users.unsure == 1 { "" } else { "s" },
        )));
    }
    if users.count > 0 {
        return Err(CliError::unverified(format!(
            "dictionary {} is still used by {} stored value{} (of {} walked): re-compress them \
             with another dictionary first (kvcodec migrate --recompress), then retire it",
            args.id,
            users.count,
            if users.count == 1 { "" } else { "s" },
            users.walked
        )));
    }
    // Connected after the walk: a connection opened before it could have idled past the
    // server's timeout.
    let mut con = server.connect_to(topology.cluster)?;
    let removed: i64 = redis::cmd("HDEL")
        .arg(dictionaries::KEY)
        .arg(args.id)
        .query(&mut *con)
        .map_err(|e| server.error("cannot delete the dictionary", e))?;
    if removed == 0 {
        // Another client deleted it during the walk.
        return Err(no_dictionary(args, &server.addr()));
    }
    let line = format!(
        "dictionary {} retired: no stored value uses it ({} walked)\n",
        args.id, users.walked
    );
    write_out(out, line.as_bytes())
}

/// The dictionary to retire is not on the server.
fn no_dictionary(args: &RetireArgs, addr: &str) -> CliError {
    CliError::usage(format!(
        "no dictionary {} in {} on {addr}: nothing to retire",
        args.id,
        dictionaries::KEY
    ))
}
