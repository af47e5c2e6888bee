//! 一刻钟便民生活圈: the domain model and the walking engine, shared by the browser client and
//! the server, and (with the `ui` feature) the Leptos map client itself.
//!
//! `domain` (rules, outlets, OSM mapping) and `walk` (pedestrian graph, snapping, isochrones,
//! coverage) are plain Rust — no UI, no storage — so the server depends on this crate without
//! the `ui` feature and never compiles browser code.

pub mod domain;
pub mod walk;

#[cfg(feature = "ui")]
pub mod ui;
