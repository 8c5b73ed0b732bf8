// Stands in for the `debug` package in the browser build (vite.config.ts). simple-peer is its only
// user, and only to log its handshakes when localStorage.debug names it; the node's journal and
// the page already show every link's life. The real package and the `ms` it pulls in were 2 kB of
// the student page's gzip, which sits just under its 150 kB budget (bench:bundle).
'use strict';

module.exports = function createDebug() {
  const log = function () {};
  log.enabled = false;
  return log;
};
