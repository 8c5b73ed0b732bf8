// qrcode-terminal ships no types; this covers the one call the CLI makes.
declare module 'qrcode-terminal' {
  interface GenerateOptions {
    /** Half-height blocks, so the code fits a laptop terminal. */
    readonly small?: boolean;
  }
  const qrcode: {
    generate(text: string, options: GenerateOptions, callback: (qr: string) => void): void;
  };
  export default qrcode;
}
