//! MudRock in the browser. For now: LAS import through core's reader, exposed to JavaScript.
