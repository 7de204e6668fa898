package io.trapline.analysis;

/**
 * Names of the registers of regions no device model covers, which imported captures hold as OTHER_* accesses:
 * the local APIC's, the IOAPIC's and the HPET's. Shared by the SQL tables and {@code trapline inspect}.
 */
public final class OtherRegisters {
    private OtherRegisters() {
    }

    /** The register at absolute {@code address} of region {@code region} (its capture name), or null. */
    public static String name(String region, long address) {
        if (region == null) {
            return null;
        }
        if (region.contains("apic") && !region.contains("ioapic")) {
            return lapicRegister(address & 0xFFF);
        }
        if (region.equals("hpet")) {
            return hpetRegister(address & 0x3FF);
        }
        if (region.equals("ioapic") || region.equals("kvm-ioapic")) {
            // IOREGSEL and IOWIN (82093AA datasheet, 3.1), through which everything else is read, and the EOI register
            // of version 0x20 IOAPICs at 0x40 (QEMU 7.2 hw/intc/ioapic.c, its default version)
            long off = address & 0xFF;
            return off == 0x00 ? "IOREGSEL" : off == 0x10 ? "IOWIN" : off == 0x40 ? "EOI" : null;
        }
        return null;
    }

    /** The HPET's registers (IA-PC HPET specification 1.0a, table 3); 32-bit halves of 64-bit ones as _HI. */
    public static String hpetRegister(long off) {
        String half = (off & 4) != 0 ? "_HI" : "";
        long reg = off & ~7L;
        if (reg >= 0x100 && reg < 0x400) {
            long n = (reg - 0x100) >> 5;
            return switch ((int) (reg & 0x1F)) {
                case 0x00 -> "TIM" + n + "_CONF" + half;
                case 0x08 -> "TIM" + n + "_COMP" + half;
                case 0x10 -> "TIM" + n + "_FSB" + half;
                default -> null;
            };
        }
        return switch ((int) reg) {
            case 0x000 -> "GCAP_ID" + half;
            case 0x010 -> "GEN_CONF" + half;
            case 0x020 -> "GINTR_STA" + half;
            case 0x0F0 -> "MAIN_CNT" + half;
            default -> null;
        };
    }

    /** The LAPIC's registers (Intel SDM vol. 3, table 11-1). */
    public static String lapicRegister(long off) {
        return switch ((int) off) {
            case 0x20 -> "ID";
            case 0x30 -> "VERSION";
            case 0x80 -> "TPR";
            case 0x90 -> "APR";
            case 0xA0 -> "PPR";
            case 0xC0 -> "RRD";
            case 0xB0 -> "EOI";
            case 0xD0 -> "LDR";
            case 0xE0 -> "DFR";
            case 0xF0 -> "SVR";
            case 0x280 -> "ESR";
            case 0x2F0 -> "LVT_CMCI";
            case 0x300 -> "ICR_LO";
            case 0x310 -> "ICR_HI";
            case 0x320 -> "LVT_TIMER";
            case 0x330 -> "LVT_THERMAL";
            case 0x340 -> "LVT_PMC";
            case 0x350 -> "LVT_LINT0";
            case 0x360 -> "LVT_LINT1";
            case 0x370 -> "LVT_ERROR";
            case 0x380 -> "TIMER_ICR";
            case 0x390 -> "TIMER_CCR";
            case 0x3E0 -> "TIMER_DCR";
            default -> off >= 0x100 && off < 0x280 && (off & 0xF) == 0
                    ? (off < 0x180 ? "ISR" : off < 0x200 ? "TMR" : "IRR") + "[" + ((off >> 4) & 7) + "]" : null;
        };
    }
}
