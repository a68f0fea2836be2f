/**
 * A file dragged over the window and dropped where nothing takes it would make the browser open
 * it, navigating the app away and losing what is on screen. The window refuses every drop it is
 * not given to handle (the Chat screen's overlay attaches them; see DropOverlay).
 */
export function guardFileDrops(target: Pick<Window, 'addEventListener'>): void {
  target.addEventListener('dragover', (event) => event.preventDefault())
  target.addEventListener('drop', (event) => event.preventDefault())
}
