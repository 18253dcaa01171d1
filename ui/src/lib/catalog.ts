import type { CatalogCard } from '$domain/product';

export type { CatalogCard };

export interface CatalogPage {
  items: CatalogCard[];
  nextCursor: string | null;
}

export interface Facets {
  /** By code (ET) with its Korean name; a legacy origin that named no listed country keeps its text. */
  origins: { value: string; label: string; count: number }[];
  partners: { id: string; name: string; count: number }[];
  processes: { value: string; count: number }[];
  roasts: { value: string; count: number }[];
  price: { min: number; max: number };
  total: number;
}
