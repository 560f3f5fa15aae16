// Ink imports react-devtools-core only when DEV=true; the bundle never ships it.
export default {initialize() {}, connectToDevTools() {}};
