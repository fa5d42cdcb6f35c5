// Made by the browser build (scripts/browser-bundle.ts) from shaders/*.wgsl: file name without
// the extension -> WGSL source. Only the browser entry imports it; Node reads shaders/ instead.
declare module 'virtual:tadt-shaders' {
  const sources: Readonly<Record<string, string>>;
  export default sources;
}
