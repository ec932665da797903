//! Output buffers for the examples. (Included with `#[path]`; not an example
//! itself.)

use awsig::Error;

/// Runs `f` with a buffer large enough for its output: the crate writes into
/// caller-owned buffers and says how many bytes it needed when one is short.
pub fn with_buffer<T>(mut f: impl FnMut(&mut [u8]) -> Result<T, Error>) -> Result<T, Error> {
    let mut buf = vec![0u8; 4096];
    match f(&mut buf) {
        Err(Error::BufferTooSmall { needed }) => {
            buf.resize(needed, 0);
            f(&mut buf)
        }
        other => other,
    }
}
