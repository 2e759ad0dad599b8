/**
 * `/api/v1/layouts` (S9): list, the default, one, create, change, replace the tiles, delete, make
 * default. Every signed-in user may read what they see and keep private layouts of their own; the
 * server's layout service decides the rest (shared layouts: admins). Making a layout the default
 * is for admins.
 */
import { z } from 'zod';
import { Deleted, IdParams } from '../schemas/common.js';
import { Layout, LayoutCreate, LayoutUpdate, PositionsReplace } from '../schemas/layouts.js';
import { defineRoute } from './route.js';

const tags = ['layouts'] as const;

export const layoutRoutes = {
  listLayouts: defineRoute({
    summary: 'List layouts',
    method: 'GET',
    path: '/api/v1/layouts',
    access: 'read',
    tags,
    data: z.array(Layout),
  }),
  defaultLayout: defineRoute({
    summary: 'The default layout',
    method: 'GET',
    path: '/api/v1/layouts/default',
    access: 'read',
    tags,
    data: Layout,
  }),
  getLayout: defineRoute({
    summary: 'Get a layout',
    method: 'GET',
    path: '/api/v1/layouts/:id',
    access: 'read',
    tags,
    params: IdParams,
    data: Layout,
  }),
  createLayout: defineRoute({
    summary: 'Create a layout',
    errors: [403],
    method: 'POST',
    path: '/api/v1/layouts',
    access: 'read',
    tags,
    body: LayoutCreate,
    status: 201,
    data: Layout,
  }),
  updateLayout: defineRoute({
    summary: 'Update a layout',
    errors: [403],
    method: 'PATCH',
    path: '/api/v1/layouts/:id',
    access: 'read',
    tags,
    params: IdParams,
    body: LayoutUpdate,
    data: Layout,
  }),
  /** Replaces every tile of a layout. */
  replacePositions: defineRoute({
    summary: "Replace a layout's tiles",
    errors: [403],
    method: 'PUT',
    path: '/api/v1/layouts/:id/positions',
    access: 'read',
    tags,
    params: IdParams,
    body: PositionsReplace,
    data: Layout,
  }),
  deleteLayout: defineRoute({
    summary: 'Delete a layout',
    errors: [403],
    method: 'DELETE',
    path: '/api/v1/layouts/:id',
    access: 'read',
    tags,
    params: IdParams,
    data: Deleted,
  }),
  /** Makes a shared layout the default (the previous default stops being it). */
  setDefaultLayout: defineRoute({
    summary: 'Make a layout the default',
    method: 'POST',
    path: '/api/v1/layouts/:id/default',
    access: 'admin',
    tags,
    params: IdParams,
    data: Layout,
  }),
};
