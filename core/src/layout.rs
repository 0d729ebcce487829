//! Typed object paths under a configurable layout (filled in by the layout work).
