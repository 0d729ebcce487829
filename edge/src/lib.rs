//! MudRock backend library.
