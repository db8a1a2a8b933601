//! The stack of processes a command runs on 127.0.0.1: supervised children, external tools,
//! Prometheus over a seeded TSDB, the viewer's web server and headless Chromium.

pub mod browser;
pub mod process;
pub mod prometheus;
pub mod tools;
pub mod web;
