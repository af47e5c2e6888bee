//! 一刻钟便民生活圈: the domain model and the walking engine, shared by the browser client and
//! the server, and (with the `ui` feature) the Leptos map client and the page bundles.
//!
//! `domain` (rules, outlets, OSM mapping) and `walk` (pedestrian graph, snapping, isochrones,
//! coverage) are plain Rust — no UI, no storage — so the server depends on this crate without
//! the `ui` feature and never compiles browser code.

pub mod domain;
pub mod walk;

#[cfg(feature = "ui")]
pub mod ui;

/// The page bundles other than the map: the survey bundle (bin `survey`: survey form,
/// indicators, staff) and the desk bundle (bin `desk`: merchant registration and listing,
/// staff review and circle editing, with Leaflet). Each binary mounts its own pages; the
/// linker drops the pages a binary never mounts, so neither bundle carries the other's code.
#[cfg(feature = "ui")]
pub mod pages;
