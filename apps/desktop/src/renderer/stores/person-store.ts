/**
 * Which person the persons screen shows. Anything naming a re_id (a feed row, an alarm) opens
 * that person with {@link openPerson}: the persons screen comes up with their detail.
 */
import { create } from 'zustand';
import { useNavStore } from './nav-store.js';

/** The person chosen on the persons screen. */
export interface PersonState {
  /** re_id, or null for the list alone */
  selected: string | null;
  select: (reId: string | null) => void;
}

/** The person store. */
export const usePersonStore = create<PersonState>()((set) => ({
  selected: null,
  select: (selected) => set({ selected }),
}));

/** Open the persons screen on one person. */
export function openPerson(reId: string): void {
  usePersonStore.getState().select(reId);
  useNavStore.getState().go('persons');
}
