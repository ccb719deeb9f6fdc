//! `kvcodec assess`: which codec, level and minimum size suit a set of values.

use std::io::Write;
use std::path::PathBuf;

use crate::assess::dictionary::DEFAULT_DICT_SIZE;
use crate::assess::sources::builtin::{Builtin, DEFAULT_SEED};
use crate::assess::sources::dir::DirSource;
use crate::assess::sources::{Corpus, ValueSource};
use crate::assess::{AssessOptions, Assessment, assess};
use crate::backends::{CodecSpec, DEFAULT_CANDIDATES};
use crate::commands::io::{SampleArgs, check_min_size, json, provenance, warn, write_out};
use crate::error::CliError;
use crate::live::args::redact;
use crate::provenance::{Provenance, SCHEMA_VERSION};
use crate::render::configuration::{Configuration, configuration};
use crate::render::{html_report, text_report};
use serde::Serialize;

/// Arguments of `kvcodec assess`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AssessArgs {
    /// Assess the files of this directory, one value per file (default: the built-in
    /// synthetic corpus).
    #[arg(long, value_name = "PATH", conflicts_with = "url")]
    pub(crate) dir: Option<PathBuf>,
    /// The server to sample (default: the built-in synthetic corpus).
    #[command(flatten)]
    pub(crate) server: SampleArgs,
    /// Largest zstd dictionary to train (on half the values) and measure (on the other half).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_DICT_SIZE)]
    pub(crate) dict_size: usize,
    /// Do not train or measure a zstd dictionary.
    #[arg(long)]
    pub(crate) no_dictionary: bool,
    /// Print JSON instead of the text tables.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write a self-contained HTML report (tables and SVG charts) to this file.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
    /// `min_compression_size` of the candidates (the recommendation picks its own).
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MIN_COMPRESSION_SIZE)]
    pub(crate) min_size: usize,
    /// Candidate codec specs, comma-separated.
    #[arg(long, value_name = "SPECS", value_delimiter = ',', default_values_t = DEFAULT_CANDIDATES.map(String::from))]
    pub(crate) levels: Vec<String>,
    /// Also report values, bytes and savings per key prefix: the part of each key before the
    /// first SEP (e.g. `:`); files count by name, the built-in corpus has named prefixes.
    #[arg(long, value_name = "SEP", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub(crate) group_by_prefix: Option<String>,
    /// Timed passes per candidate; the fastest counts.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub(crate) passes: u16,
}

impl AssessArgs {
    /// The corpus named by the arguments.
    pub(crate) fn corpus(&self) -> Result<Corpus, CliError> {
        if let Some(dir) = &self.dir {
            return collect(DirSource::open(dir)?);
        }
        match self.server.open("assess")? {
            Some(sampling) => collect(sampling),
            None => collect(Builtin::new(DEFAULT_SEED)),
        }
    }

    /// The options named by the arguments.
    pub(crate) fn options(&self) -> Result<AssessOptions, CliError> {
        check_min_size(self.min_size)?;
        let candidates = self
            .levels
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| CodecSpec::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        if candidates.is_empty() {
            return Err(CliError::usage(
                "--levels names no codec: expected specs such as zstd:3,lz4",
            ));
        }
        Ok(AssessOptions {
            min_size: self.min_size,
            candidates,
            passes: usize::from(self.passes),
            dictionary_size: (!self.no_dictionary).then_some(self.dict_size),
            group_by: self.group_by_prefix.clone(),
        })
    }
}

/// Every value of `source`, its warnings printed; an empty source is an error.
fn collect(source: impl ValueSource) -> Result<Corpus, CliError> {
    let corpus = Corpus::gather(source)?;
    warn(&corpus.warnings);
    Ok(corpus.non_empty()?)
}

/// What `assess --json` prints: the assessment with its provenance and configuration.
#[derive(Serialize)]
struct Output<'a> {
    schema_version: u32,
    provenance: &'a Provenance,
    configuration: Configuration,
    #[serde(flatten)]
    assessment: &'a Assessment,
}

/// Measures, prints, and writes the report if asked.
pub(crate) fn run(args: &AssessArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let options = args.options()?;
    let mut provenance = provenance();
    let corpus = args.corpus()?;
    let assessment = assess(&corpus, &options)?;
    provenance.sample_size = Some(corpus.samples.len());
    provenance.server = match (&corpus.server, &args.server.url) {
        (Some(f), Some(url)) => Some(format!("{} at {}", f.server, redact(url))),
        _ => None,
    };
    let provenance = &provenance;
    if let Some(path) = &args.report {
        std::fs::write(path, html_report::render(&assessment, provenance)).map_err(|e| {
            CliError::failure(format!("cannot write report `{}`: {e}", path.display()))
        })?;
    }
    let rendered = if args.json {
        json(&Output {
            schema_version: SCHEMA_VERSION,
            provenance,
            configuration: configuration(&assessment.recommendation),
            assessment: &assessment,
        })?
    } else {
        let mut s = text_report::render(&assessment, provenance);
        if let Some(path) = &args.report {
            s.push_str(&format!("\nReport written to {}\n", path.display()));
        }
        s
    };
    write_out(out, rendered.as_bytes())
}
