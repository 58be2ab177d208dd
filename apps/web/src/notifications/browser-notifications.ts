/** The user's choice, per browser: the Notification API's permission is per site, not per user. */
const KEY = "stratavore.browserNotifications";

export function browserNotificationsOn(): boolean {
  return (
    typeof Notification !== "undefined" && Notification.permission === "granted" && localStorage.getItem(KEY) === "on"
  );
}

/** Asks for permission when needed; resolves to whether notifications are now on. */
export async function setBrowserNotifications(on: boolean): Promise<boolean> {
  if (!on || typeof Notification === "undefined") {
    localStorage.setItem(KEY, "off");
    return false;
  }
  const permission =
    Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
  localStorage.setItem(KEY, permission === "granted" ? "on" : "off");
  return permission === "granted";
}
