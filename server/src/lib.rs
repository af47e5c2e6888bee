//! 一刻钟便民生活圈 server: storage, datasets, the OSM importer, the sample generator, the walking
//! network, the satisfaction survey, staff accounts and the HTTP API. `main.rs` is the command
//! line around it; benchmarks use it too.

pub mod api;
pub mod backup;
pub mod cache_headers;
pub mod circles;
pub mod client_addr;
pub mod dataset;
pub mod db;
pub mod error;
pub mod grade;
pub mod hours;
pub mod import;
pub mod json_body;
pub mod merchant;
pub mod openapi;
pub mod ops;
pub mod params;
pub mod rate_limit;
pub mod sample;
pub mod search_terms;
pub mod seed;
pub mod staff;
pub mod staging;
pub mod static_files;
pub mod streets;
pub mod survey;
pub mod tokens;
pub mod upload_form;
pub mod walk_api;
pub mod walkbench;
pub mod walking;
