//! The canonical byte encoding that cache keys hash: every field length-prefixed, so that no two
//! different sequences of fields can produce the same bytes (`["ab", "c"]` ≠ `["a", "bc"]`).

/// Appends canonical fields to a byte buffer.
#[derive(Debug, Default, Clone)]
pub(crate) struct Canon {
    bytes: Vec<u8>,
}

impl Canon {
    pub(crate) fn new() -> Canon {
        Canon::default()
    }

    /// A fixed tag naming what follows (variant or field names); length-prefixed like any bytes.
    pub(crate) fn tag(&mut self, tag: &str) -> &mut Self {
        self.bytes(tag.as_bytes())
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.u64(bytes.len() as u64);
        self.bytes.extend_from_slice(bytes);
        self
    }

    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub(crate) fn i64(&mut self, v: i64) -> &mut Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// An `f64` by its bits, with `-0.0` written as `0.0` (they compare equal, so they mean the same).
    pub(crate) fn f64(&mut self, v: f64) -> &mut Self {
        let v = if v == 0.0 { 0.0 } else { v };
        self.u64(v.to_bits())
    }

    /// `None` and `Some(x)` never collide: a presence byte comes first.
    pub(crate) fn opt<T>(&mut self, v: Option<T>, put: impl FnOnce(&mut Self, T)) -> &mut Self {
        match v {
            None => self.bytes.push(0),
            Some(x) => {
                self.bytes.push(1);
                put(self, x);
            }
        }
        self
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}
