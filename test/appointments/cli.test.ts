import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let database: Awaited<ReturnType<typeof createTestDatabase>>;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('housing365 diaries / bookings / reasons', () => {
  it('sets up a diary, books, refuses a full slot with the rule’s message, and cancels', async () => {
    expect((await cli('reasons', 'add-product-area', 'RENTS', 'Rents')).code).toBe(0);
    expect((await cli('reasons', 'add', 'TENCAN', 'cancel', 'Tenant', 'cancelled', '--areas', 'RENTS')).stdout).toContain('added TENCAN (cancel) for RENTS');
    expect((await cli('diaries', 'create', 'RENTS', 'Rents', 'Appointments', '--area', 'RENTS')).code).toBe(0);
    expect((await cli('diaries', 'pattern', 'RENTS', '--days', '1-7', '--start', '09:00', '--end', '10:00', '--minutes', '60', '--units', '1')).code).toBe(0);
    const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toISODate()!;
    expect((await cli('diaries', 'generate', 'RENTS', '--from', tomorrow, '--for', '3')).stdout).toContain('3 new slot(s)');
    const booked = await cli('bookings', 'book', 'RENTS', `${tomorrow}T09:00`, 'Tenant', 'A');
    expect(booked.stdout).toMatch(/booked appointment (\d+)/);
    const ref = /booked appointment (\d+)/.exec(booked.stdout)![1];
    const full = await cli('bookings', 'book', 'RENTS', `${tomorrow}T09:00`, 'Tenant', 'B');
    expect(full.code).not.toBe(0);
    expect(full.stderr).toMatch(/^housing365: No units available in the appointment slot/);
    expect((await cli('bookings', 'cancel', ref, '--reason', 'TENCAN')).code).toBe(0);
    const show = await cli('bookings', 'show', ref);
    expect(show.stdout).toContain(`Appointment ${ref}: CAN (TENCAN)`);
    expect(show.stdout).toMatch(/CANCELLED\s+by cli:/);
    // Each command is a process of its own (tsx start-up + migration check): give the sequence room.
  }, 240_000);
});
