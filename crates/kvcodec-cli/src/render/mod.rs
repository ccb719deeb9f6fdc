//! Renderings of an assessment: plain text, and an HTML report with SVG charts.

pub mod html_report;
pub mod svg;
pub mod text_report;
