/**
 * An object has one alarm for all its reasons (a retry, a token expiry, the
 * rest of a bounded run): each reason asks for it no later than its time, and
 * none postpones another's.
 */
export async function alarmNoLaterThan(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || at < current) await storage.setAlarm(at);
}
