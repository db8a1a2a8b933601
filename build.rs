//! Fingerprints the sources that decide the seeded data, so the seed cache is invalidated
//! whenever the simulator changes, even without a version bump.

use std::path::{Path, PathBuf};

fn main() {
    // The whole data-generation stage, plus the scenario model and timestamps it reads.
    let mut files: Vec<PathBuf> = ["src/pack/scenario.rs", "src/timestamp.rs"].iter().map(PathBuf::from).collect();
    collect(Path::new("src/generate"), &mut files);
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let bytes = std::fs::read(file).unwrap_or_else(|err| panic!("{}: {err}: update build.rs's list", file.display()));
        for byte in file.to_string_lossy().bytes().chain(bytes) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    println!("cargo:rerun-if-changed=src/generate");
    println!("cargo:rustc-env=MESHKIT_SIM_FINGERPRINT={hash:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
