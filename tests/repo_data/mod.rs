//! Test data that stays in the repository. `tests/vectors/` is excluded from
//! the published package (`exclude` in Cargo.toml), so from an unpacked
//! `.crate` the tests that read it skip, while the rest of their file runs.
//! (Included with `mod repo_data;`; not a test target itself.)

use std::path::Path;

/// True, after printing why, when `test` must skip: this is an unpacked
/// package (it has the `Cargo.toml.orig` that `cargo package` writes) and
/// `tests/vectors/` is absent. In the repository it is always false, so a
/// missing vector file there still fails the test that reads it.
pub fn vectors_not_packaged(test: &str) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let skip = !root.join("tests/vectors").is_dir() && root.join("Cargo.toml.orig").is_file();
    if skip {
        eprintln!("skipped: {test}: tests/vectors/ is not packaged");
    }
    skip
}
