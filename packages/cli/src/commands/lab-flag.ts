import { DEFAULT_LAB_ID, type LabContext } from '@netpol/lab';

/** ` --lab ID` for commands we suggest, so they reach the same lab (nothing for the default). */
export function labFlag(ctx: LabContext): string {
  return ctx.labId === DEFAULT_LAB_ID ? '' : ` --lab ${ctx.labId}`;
}
