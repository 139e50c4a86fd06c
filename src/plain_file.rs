//! Files the host itself reads and writes on behalf of untrusted input -- golden cases and
//! their `.out` files, the REPL's `.load`/`.save` -- must be regular files: never reached
//! through a symbolic link at the last component (`O_NOFOLLOW`), never a FIFO that blocks the
//! open (`O_NONBLOCK`, then `fstat`), never a device or directory, and never larger than a
//! stated bound.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Opens `path` with `options` and returns the file only if it is a regular file.
pub fn open_regular(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    // Friendly messages first (and no open of a FIFO or socket at all); O_NOFOLLOW and the
    // fstat below are what enforce them, so a swap after this check gains nothing.
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        let file_type = metadata.file_type();
        if file_type.is_symlink() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "it is a symbolic link (refused: a link can lead anywhere)"));
        }
        if !file_type.is_file() {
            return Err(not_regular(file_type));
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(not_regular(file_type));
    }
    Ok(file)
}

/// The whole of a regular file, refusing anything longer than `limit` bytes.
pub fn read(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = open_regular(path, OpenOptions::new().read(true))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(io::Error::new(io::ErrorKind::FileTooLarge, format!("it is larger than {}", size(limit))));
    }
    Ok(bytes)
}

/// Creates or replaces the regular file at `path` with `bytes` (never through a link, never
/// into a FIFO or device).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = open_regular(path, OpenOptions::new().write(true).create(true).truncate(true))?;
    file.write_all(bytes)
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 { format!("{} MiB", bytes >> 20) } else { format!("{bytes} bytes") }
}

fn not_regular(file_type: std::fs::FileType) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("it is {}, not a regular file", describe(file_type)))
}

fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() { "a directory" } else { "not a regular file" }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        write(&file, b"abc").unwrap();
        assert_eq!(read(&file, 3).unwrap(), b"abc");
        assert_eq!(read(&file, 2).unwrap_err().to_string(), "it is larger than 2 bytes");
        std::os::unix::fs::symlink(&file, dir.path().join("link")).unwrap();
        assert!(read(&dir.path().join("link"), 10).unwrap_err().to_string().contains("symbolic link"));
        assert!(write(&dir.path().join("link"), b"x").is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"abc", "nothing written through the link");
        assert_eq!(read(dir.path(), 10).unwrap_err().to_string(), "it is a directory, not a regular file");
        assert_eq!(read(Path::new("/dev/zero"), 10).unwrap_err().to_string(), "it is a device, not a regular file");
    }
}
