//! `kvcodec dict train|push|pull`: zstd dictionaries, trained on your values and shared through
//! the server's `kvcodec:dictionaries` hash (field = dictionary id, value = its bytes).
//!
//! ```text
//! kvcodec dict train --url redis://cache:6379 --match 'user:*' --out users.dict
//! kvcodec dict push users.dict --url redis://cache:6379      # prints the id
//! kvcodec migrate --url redis://cache:6379 --to zstd:3 --dictionary <id>
//! kvcodec dict pull --url redis://cache:6379 --out-dir dicts/ # dicts/<id>.dict
//! ```
//!
//! Dictionary ids are permanent: pushing different bytes under a taken id is refused.
//! Valkey GLIDE clients cannot read values written with a dictionary.

use std::io::Write;
use std::path::PathBuf;

use kvcodec_redis::dictionaries;

use crate::assess::dictionary::DEFAULT_DICT_SIZE;
use crate::assess::sources::dir::DirSource;
use crate::assess::sources::{Corpus, ValueSource};
use crate::commands::io::{SampleArgs, warn, write_out};
use crate::error::CliError;
use crate::files;
use crate::live::args::{ServerArgs, TlsArgs};
use crate::live::server::ServerUrl;
use crate::units::human_bytes;

/// Arguments of `kvcodec dict`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DictArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: DictCommand,
}

/// The `dict` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub(crate) enum DictCommand {
    /// Train a zstd dictionary on values of a server or files of a directory.
    Train(TrainArgs),
    /// Store a dictionary file in the server's `kvcodec:dictionaries` hash; prints its id.
    Push(PushArgs),
    /// Write every dictionary stored in the server to `<id>.dict` files.
    Pull(PullArgs),
    /// Remove a dictionary from the server; refused while any stored value uses it.
    Retire(crate::commands::retire::RetireArgs),
}

/// Arguments of `kvcodec dict train`.
#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("from").required(true).args(["url", "dir"]))]
pub(crate) struct TrainArgs {
    /// The server whose values to train on.
    #[command(flatten)]
    pub(crate) server: SampleArgs,
    /// Train on the files of this directory, one value per file.
    #[arg(long, value_name = "PATH")]
    pub(crate) dir: Option<PathBuf>,
    /// Where to write the dictionary.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Largest dictionary size. zstd wants about 100 times as many sample bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_DICT_SIZE)]
    pub(crate) max_size: usize,
    /// The dictionary's id. Default with `--url`: the smallest id not taken on that server
    /// (ids below 128 take one byte in each compressed value); with `--dir`: zstd's random
    /// id (5 bytes per value).
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) id: Option<u32>,
}

/// Arguments of `kvcodec dict push`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PushArgs {
    /// The dictionary file (as written by `dict train` or `zstd --train`).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// The server.
    #[command(flatten)]
    pub(crate) server: ServerArgs,
}

/// Arguments of `kvcodec dict pull`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PullArgs {
    /// The server.
    #[command(flatten)]
    pub(crate) server: ServerArgs,
    /// Directory to write `<id>.dict` files to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: PathBuf,
}

/// Runs a `dict` subcommand.
pub(crate) fn run(args: &DictArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        DictCommand::Train(a) => train(a, out),
        DictCommand::Push(a) => push(a, out),
        DictCommand::Pull(a) => pull(a, out),
        DictCommand::Retire(a) => crate::commands::retire::retire(a, out),
    }
}

fn train(args: &TrainArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let corpus = match (args.server.open("dict train")?, &args.dir) {
        (Some(sampling), _) => gather(sampling)?,
        (None, Some(dir)) => gather(DirSource::open(dir)?)?,
        (None, None) => return Err(CliError::usage("dict train needs --url or --dir")),
    };
    let samples: Vec<&[u8]> = corpus.samples.iter().map(|s| s.bytes.as_slice()).collect();
    let mut dictionary = kvcodec_zstd::train_dictionary(&samples, args.max_size).map_err(|e| {
        CliError::usage(format!(
            "cannot train a dictionary on {}: {e}",
            corpus.source
        ))
    })?;
    let chosen = match (args.id, &args.server.url) {
        (Some(id), _) => Some(id),
        (None, Some(url)) => Some(next_free_id(url, &args.server.tls)?),
        (None, None) => None,
    };
    if let Some(id) = chosen {
        kvcodec_zstd::set_dictionary_id(&mut dictionary, id)
            .map_err(|e| CliError::failure(e.to_string()))?;
    }
    let id = kvcodec_zstd::dictionary_id(&dictionary)
        .ok_or_else(|| CliError::failure("the trained dictionary has no id"))?;
    std::fs::write(&args.out, &dictionary)
        .map_err(|e| CliError::failure(format!("cannot write `{}`: {e}", args.out.display())))?;
    let line = format!(
        "dictionary {id}: {} trained on {} values ({}) -> {}\n",
        human_bytes(dictionary.len() as u64),
        samples.len(),
        human_bytes(corpus.total_bytes()),
        args.out.display()
    );
    write_out(out, line.as_bytes())
}

/// The smallest dictionary id not taken in the server's `kvcodec:dictionaries` hash.
fn next_free_id(url: &str, tls: &TlsArgs) -> Result<u32, CliError> {
    let server = ServerUrl::open(url, tls)?;
    let mut con = server.connect()?;
    let taken: Vec<u32> = dictionaries::pull(&mut *con)
        .map_err(|e| server.error("cannot read the dictionaries", e))?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok((1..).find(|id| !taken.contains(id)).unwrap_or(1))
}

/// Every value of `source`, none being fine (the trainer says how many it needs); its
/// warnings printed.
fn gather(source: impl ValueSource) -> Result<Corpus, CliError> {
    let corpus = Corpus::gather(source)?;
    warn(&corpus.warnings);
    Ok(corpus)
}

fn push(args: &PushArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = files::read("file", &args.file)?;
    let not_a_dictionary = |why: String| {
        CliError::usage(format!(
            "`{}` is not a usable zstd dictionary: {why}",
            args.file.display()
        ))
    };
    let id = kvcodec_zstd::dictionary_id(&bytes).ok_or_else(|| {
        not_a_dictionary(format!(
            "expected magic 37 a4 30 ec and a non-zero id, found {} bytes starting {:02x?}",
            bytes.len(),
            &bytes[..bytes.len().min(4)]
        ))
    })?;
    kvcodec_zstd::ZstdCodec::builder()
        .dictionary(&bytes)
        .and_then(|b| b.build())
        .map_err(|e| not_a_dictionary(e.to_string()))?;
    let server = args.server.server()?;
    let mut con = server.connect()?;
    dictionaries::push(&mut *con, id, &bytes).map_err(|e| match e.kind() {
        redis::ErrorKind::Client => CliError::usage(format!(
            "{}: {}",
            server.addr(),
            e.detail().unwrap_or("dictionary id taken")
        )),
        _ => server.error("cannot push the dictionary", e).into(),
    })?;
    write_out(out, format!("{id}\n").as_bytes())
}

fn pull(args: &PullArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.server.server()?;
    let mut con = server.connect()?;
    let found = dictionaries::pull(&mut *con)
        .map_err(|e| server.error("cannot read the dictionaries", e))?;
    if found.is_empty() {
        eprintln!(
            "kvcodec: no dictionaries stored in {} on {}",
            dictionaries::KEY,
            server.addr()
        );
        return Ok(());
    }
    std::fs::create_dir_all(&args.out_dir).map_err(|e| {
        CliError::failure(format!("cannot create `{}`: {e}", args.out_dir.display()))
    })?;
    let mut lines = String::new();
    for (id, bytes) in found {
        let path = args.out_dir.join(format!("{id}.dict"));
        std::fs::write(&path, &bytes)
            .map_err(|e| CliError::failure(format!("cannot write `{}`: {e}", path.display())))?;
        lines.push_str(&format!(
            "{id}\t{} bytes\t{}\n",
            bytes.len(),
            path.display()
        ));
    }
    write_out(out, lines.as_bytes())
}
