/** simple-peer's browser bundle (what y-webrtc imports) has the package's own types. */
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
