//! 一刻钟便民生活圈 server: storage, datasets, the OSM importer, the sample generator, the walking
//! network and the HTTP API. `main.rs` is the command line around it; benchmarks use it too.

pub mod api;
pub mod cache_headers;
pub mod dataset;
pub mod db;
pub mod error;
pub mod hours;
pub mod import;
pub mod params;
pub mod sample;
pub mod search_terms;
pub mod seed;
pub mod static_files;
pub mod streets;
pub mod walk_api;
pub mod walkbench;
pub mod walking;
