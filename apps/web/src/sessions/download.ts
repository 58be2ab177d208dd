/**
 * Saves a file through a temporary object URL (no server round trip for the download): the
 * exact bytes when the server sent them (base64: lines that are not valid text), else the text.
 */
export function downloadText(filename: string, contentType: string, content: string, contentBase64?: string): void {
  const body = contentBase64 === undefined ? content : Uint8Array.from(atob(contentBase64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([body], { type: contentType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
