//! Well model: units, curve families, well identity, coordinates.
