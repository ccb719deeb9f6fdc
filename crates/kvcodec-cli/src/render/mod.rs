//! Renderings of an assessment: one table model feeding plain text, HTML and SVG.
//!
//! # Getting started
//!
//! ```ignore
//! // (crate-internal: what `kvcodec assess [--report FILE.html]` prints and writes)
//! let text: String = text_report::render(&assessment); // aligned tables for a terminal
//! let page: String = html_report::render(&assessment); // tables + SVG charts, one file
//! ```
//!
//! # How it fits
//!
//! [`assessment`] turns an [`Assessment`](crate::assess::Assessment) into [`table::Table`]s —
//! the only place that decides columns, cell formats, highlighted rows and chart series.
//! [`table::Table::to_text`] lays a table out for a terminal, [`html::table`] writes it as
//! HTML, and [`svg`] draws charts from the numbers behind its cells. [`text_report`] and
//! [`html_report`] put the tables in order with the sentences between them.

pub(crate) mod assessment;
pub(crate) mod configuration;
pub(crate) mod html;
pub(crate) mod html_report;
pub(crate) mod svg;
pub(crate) mod table;
pub(crate) mod text_report;
