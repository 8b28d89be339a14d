// Labels of the API's enum values in the chosen language, from the API's `enumLabels`.
import { request } from './api';
import { graphql } from './graphql';

const LABELS = graphql(`
  query EnumLabels { enumLabels { type value label } }
`);

let table = new Map<string, string>();
const order = new Map<string, string[]>();

export async function loadLabels(): Promise<void> {
  const data = await request(LABELS);
  table = new Map(data.enumLabels.map((l) => [`${l.type}.${l.value}`, l.label]));
  order.clear();
  for (const l of data.enumLabels) order.set(l.type, [...(order.get(l.type) ?? []), l.value]);
}

/** The label of an enum value, e.g. label('AgreementStatus', 'ACTIVE') → "Aktif". */
export const label = (type: string, value: string | null | undefined): string =>
  value ? (table.get(`${type}.${value}`) ?? value) : '—';

export const values = (type: string): string[] => order.get(type) ?? [];
