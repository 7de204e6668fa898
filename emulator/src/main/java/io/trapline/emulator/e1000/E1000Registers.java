package io.trapline.emulator.e1000;

/**
 * Register offsets and bit fields of the Intel 8254x family as the 82540EM implements them, named as in the
 * "PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual" (8254x SDM, section 13) and
 * Linux's e1000_hw.h. All offsets are byte offsets in BAR0; every register is 32 bits wide.
 */
public final class E1000Registers {
    private E1000Registers() {
    }

    /** BAR0 size: 128 KiB of memory-mapped registers (SDM 13.1). */
    public static final int MMIO_SIZE = 0x20000;
    /** BAR1 size as QEMU 7.2 registers it (pci_update_mappings_add ... 1,0xc000+0x40 in the shared trace). */
    public static final int IO_SIZE = 0x40;
    /** Number of 32-bit register slots in BAR0. */
    public static final int WORDS = MMIO_SIZE / 4;

    // General (SDM 13.4)
    public static final int CTRL = 0x0000;
    public static final int STATUS = 0x0008;
    public static final int EECD = 0x0010;
    public static final int EERD = 0x0014;
    public static final int CTRL_EXT = 0x0018;
    public static final int MDIC = 0x0020;
    public static final int FCAL = 0x0028;
    public static final int FCAH = 0x002C;
    public static final int FCT = 0x0030;
    public static final int VET = 0x0038;
    public static final int ICR = 0x00C0;
    public static final int ITR = 0x00C4;
    public static final int ICS = 0x00C8;
    public static final int IMS = 0x00D0;
    public static final int IMC = 0x00D8;
    public static final int RCTL = 0x0100;
    public static final int FCTTV = 0x0170;
    public static final int TXCW = 0x0178;
    public static final int RXCW = 0x0180;
    public static final int TCTL = 0x0400;
    public static final int TIPG = 0x0410;
    public static final int AIT = 0x0458;
    public static final int LEDCTL = 0x0E00;
    public static final int PBA = 0x1000;
    public static final int FCRTL = 0x2160;
    public static final int FCRTH = 0x2168;
    public static final int RDFH = 0x2410;
    public static final int RDFT = 0x2418;
    public static final int RDFHS = 0x2420;
    public static final int RDFTS = 0x2428;
    public static final int RDFPC = 0x2430;
    public static final int RDBAL = 0x2800;
    public static final int RDBAH = 0x2804;
    public static final int RDLEN = 0x2808;
    public static final int RDH = 0x2810;
    public static final int RDT = 0x2818;
    public static final int RDTR = 0x2820;
    public static final int RXDCTL = 0x2828;
    public static final int RADV = 0x282C;
    public static final int RSRPD = 0x2C00;
    public static final int TXDMAC = 0x3000;
    public static final int TDFH = 0x3410;
    public static final int TDFT = 0x3418;
    public static final int TDFHS = 0x3420;
    public static final int TDFTS = 0x3428;
    public static final int TDFPC = 0x3430;
    public static final int TDBAL = 0x3800;
    public static final int TDBAH = 0x3804;
    public static final int TDLEN = 0x3808;
    public static final int TDH = 0x3810;
    public static final int TDT = 0x3818;
    public static final int TIDV = 0x3820;
    public static final int TXDCTL = 0x3828;
    public static final int TADV = 0x382C;
    public static final int TSPMT = 0x3830;

    // Statistics (SDM 13.7)
    public static final int CRCERRS = 0x4000;
    public static final int ALGNERRC = 0x4004;
    public static final int SYMERRS = 0x4008;
    public static final int RXERRC = 0x400C;
    public static final int MPC = 0x4010;
    public static final int SCC = 0x4014;
    public static final int ECOL = 0x4018;
    public static final int MCC = 0x401C;
    public static final int LATECOL = 0x4020;
    public static final int COLC = 0x4028;
    public static final int DC = 0x4030;
    public static final int TNCRS = 0x4034;
    public static final int SEC = 0x4038;
    public static final int CEXTERR = 0x403C;
    public static final int RLEC = 0x4040;
    public static final int XONRXC = 0x4048;
    public static final int XONTXC = 0x404C;
    public static final int XOFFRXC = 0x4050;
    public static final int XOFFTXC = 0x4054;
    public static final int FCRUC = 0x4058;
    public static final int PRC64 = 0x405C;
    public static final int PRC127 = 0x4060;
    public static final int PRC255 = 0x4064;
    public static final int PRC511 = 0x4068;
    public static final int PRC1023 = 0x406C;
    public static final int PRC1522 = 0x4070;
    public static final int GPRC = 0x4074;
    public static final int BPRC = 0x4078;
    public static final int MPRC = 0x407C;
    public static final int GPTC = 0x4080;
    public static final int GORCL = 0x4088;
    public static final int GORCH = 0x408C;
    public static final int GOTCL = 0x4090;
    public static final int GOTCH = 0x4094;
    public static final int RNBC = 0x40A0;
    public static final int RUC = 0x40A4;
    public static final int RFC = 0x40A8;
    public static final int ROC = 0x40AC;
    public static final int RJC = 0x40B0;
    public static final int MGTPRC = 0x40B4;
    public static final int MGTPDC = 0x40B8;
    public static final int MGTPTC = 0x40BC;
    public static final int TORL = 0x40C0;
    public static final int TORH = 0x40C4;
    public static final int TOTL = 0x40C8;
    public static final int TOTH = 0x40CC;
    public static final int TPR = 0x40D0;
    public static final int TPT = 0x40D4;
    public static final int PTC64 = 0x40D8;
    public static final int PTC127 = 0x40DC;
    public static final int PTC255 = 0x40E0;
    public static final int PTC511 = 0x40E4;
    public static final int PTC1023 = 0x40E8;
    public static final int PTC1522 = 0x40EC;
    public static final int MPTC = 0x40F0;
    public static final int BPTC = 0x40F4;
    public static final int TSCTC = 0x40F8;
    public static final int TSCTFC = 0x40FC;

    // Receive filtering, wake-up and management (SDM 13.5, 13.6, 13.8)
    public static final int RXCSUM = 0x5000;
    public static final int MTA = 0x5200;
    public static final int MTA_COUNT = 128;
    public static final int RAL0 = 0x5400;
    public static final int RAH0 = 0x5404;
    /** Receive address pairs (RAL/RAH). */
    public static final int RA_COUNT = 16;
    public static final int VFTA = 0x5600;
    public static final int VFTA_COUNT = 128;
    public static final int WUC = 0x5800;
    public static final int WUFC = 0x5808;
    public static final int WUS = 0x5810;
    public static final int MANC = 0x5820;
    public static final int IPAV = 0x5838;
    public static final int IP4AT = 0x5840;
    public static final int IP4AT_COUNT = 7;
    public static final int IP6AT = 0x5880;
    public static final int IP6AT_COUNT = 4;
    public static final int WUPL = 0x5900;
    public static final int WUPM = 0x5A00;
    public static final int WUPM_COUNT = 32;
    public static final int SWSM = 0x5B50;
    public static final int FFLT = 0x5F00;
    public static final int FFLT_COUNT = 7;
    public static final int FFMT = 0x9000;
    public static final int FFMT_COUNT = 255;
    public static final int FFVT = 0x9800;
    public static final int FFVT_COUNT = 255;
    public static final int PBM = 0x10000;
    public static final int PBM_COUNT = 16384;

    // BAR1 I/O window (SDM 13.2.1)
    public static final int IOADDR = 0x0;
    public static final int IODATA = 0x4;

    // CTRL bits
    public static final int CTRL_FD = 1;
    public static final int CTRL_SLU = 1 << 6;
    public static final int CTRL_SPD_1000 = 1 << 9;
    public static final int CTRL_SWDPIN0 = 1 << 18;
    public static final int CTRL_SWDPIN2 = 1 << 20;
    public static final int CTRL_RST = 1 << 26;
    public static final int CTRL_VME = 1 << 30;
    public static final int CTRL_PHY_RST = 1 << 31;

    // STATUS bits
    public static final int STATUS_FD = 1;
    public static final int STATUS_LU = 1 << 1;
    public static final int STATUS_SPEED_1000 = 1 << 7;
    public static final int STATUS_ASDV = 3 << 8;
    public static final int STATUS_MTXCKOK = 1 << 10;
    public static final int STATUS_GIO_MASTER_ENABLE = 1 << 19;

    // EECD bits
    public static final int EECD_SK = 1;
    public static final int EECD_CS = 1 << 1;
    public static final int EECD_DI = 1 << 2;
    public static final int EECD_DO = 1 << 3;
    public static final int EECD_FWE_MASK = 3 << 4;
    public static final int EECD_REQ = 1 << 6;
    public static final int EECD_GNT = 1 << 7;
    public static final int EECD_PRES = 1 << 8;

    // EERD fields
    public static final int EERD_START = 1;
    public static final int EERD_DONE = 1 << 4;
    public static final int EERD_ADDR_SHIFT = 8;
    public static final int EERD_DATA_SHIFT = 16;

    // MDIC fields
    public static final int MDIC_DATA_MASK = 0xFFFF;
    public static final int MDIC_REG_SHIFT = 16;
    public static final int MDIC_REG_MASK = 0x1F << MDIC_REG_SHIFT;
    public static final int MDIC_PHY_SHIFT = 21;
    public static final int MDIC_PHY_MASK = 0x1F << MDIC_PHY_SHIFT;
    public static final int MDIC_OP_WRITE = 1 << 26;
    public static final int MDIC_OP_READ = 1 << 27;
    public static final int MDIC_READY = 1 << 28;
    public static final int MDIC_INT_EN = 1 << 29;
    public static final int MDIC_ERROR = 1 << 30;

    // Interrupt cause bits (ICR/ICS/IMS/IMC)
    public static final int ICR_TXDW = 1;
    public static final int ICR_TXQE = 1 << 1;
    public static final int ICR_LSC = 1 << 2;
    public static final int ICR_RXSEQ = 1 << 3;
    public static final int ICR_RXDMT0 = 1 << 4;
    public static final int ICR_RXO = 1 << 6;
    public static final int ICR_RXT0 = 1 << 7;
    public static final int ICR_MDAC = 1 << 9;

    // RCTL bits
    public static final int RCTL_EN = 1 << 1;
    public static final int RCTL_SBP = 1 << 2;
    public static final int RCTL_UPE = 1 << 3;
    public static final int RCTL_MPE = 1 << 4;
    public static final int RCTL_LPE = 1 << 5;
    public static final int RCTL_RDMTS_SHIFT = 8;
    public static final int RCTL_MO_SHIFT = 12;
    public static final int RCTL_BAM = 1 << 15;
    public static final int RCTL_BSIZE_SHIFT = 16;
    public static final int RCTL_VFE = 1 << 18;
    public static final int RCTL_BSEX = 1 << 25;
    public static final int RCTL_SECRC = 1 << 26;

    // TCTL bits
    public static final int TCTL_EN = 1 << 1;
    public static final int TCTL_PSP = 1 << 3;

    // RAH bits
    public static final int RAH_AV = 1 << 31;

    // MANC bits QEMU sets at reset (hw/net/e1000.c mac_reg_init)
    public static final int MANC_RMCP_EN = 1 << 8;
    public static final int MANC_0298_EN = 1 << 9;
    public static final int MANC_ARP_EN = 1 << 13;
    public static final int MANC_RCV_TCO_EN = 1 << 17;
    public static final int MANC_EN_MNG2HOST = 1 << 21;

    // Transmit descriptor (SDM 3.3.3, 3.3.5, 3.3.7): fields of the dword at offset 8 (txd_lower) and 12 (txd_upper)
    public static final int TXD_LENGTH_MASK = 0xFFFF;
    public static final int TXD_DTYP_D = 1 << 20;
    public static final int TXD_CMD_EOP = 1 << 24;
    public static final int TXD_CMD_IFCS = 1 << 25;
    public static final int TXD_CMD_IC = 1 << 26;
    /** In a context or data descriptor, bit 26 is TSE (TCP segmentation enable) rather than IC. */
    public static final int TXD_CMD_TSE = 1 << 26;
    public static final int TXD_CMD_RS = 1 << 27;
    public static final int TXD_CMD_RPS = 1 << 28;
    public static final int TXD_CMD_DEXT = 1 << 29;
    public static final int TXD_CMD_VLE = 1 << 30;
    public static final int TXD_CMD_IDE = 1 << 31;
    /** Context descriptor: IP (IPv4 rather than IPv6) and TCP (rather than UDP) in TUCMD. */
    public static final int TXD_CMD_IP = 1 << 25;
    public static final int TXD_CMD_TCP = 1 << 24;
    public static final int TXD_STAT_DD = 1;
    public static final int TXD_STAT_EC = 1 << 1;
    public static final int TXD_STAT_LC = 1 << 2;
    public static final int TXD_STAT_TU = 1 << 3;
    /** Data descriptor POPTS (byte 13): insert IP checksum, insert TCP/UDP checksum. */
    public static final int TXD_POPTS_IXSM = 1;
    public static final int TXD_POPTS_TXSM = 2;

    // Receive descriptor status bits (SDM 3.2.3.1)
    public static final int RXD_STAT_DD = 1;
    public static final int RXD_STAT_EOP = 1 << 1;
    public static final int RXD_STAT_IXSM = 1 << 2;
    public static final int RXD_STAT_VP = 1 << 3;

    /** Descriptor size for both rings. */
    public static final int DESCRIPTOR_SIZE = 16;

    private static final String[] NAMES = buildNames();

    /**
     * The datasheet name of the register at byte offset {@code offset} in BAR0, e.g. {@code STATUS},
     * {@code RAL[0]}, {@code MTA[5]}; an offset inside a register names that register; unknown offsets give
     * {@code null}.
     */
    public static String name(long offset) {
        if (offset < 0 || offset >= MMIO_SIZE) {
            return null;
        }
        return NAMES[(int) (offset >>> 2)];
    }

    /** Like {@link #name} but never null: unknown offsets read as {@code 0x1234}. */
    public static String label(long offset) {
        String n = name(offset);
        return n != null ? n : String.format("0x%05x", offset & ~3L);
    }

    private static String[] buildNames() {
        String[] n = new String[WORDS];
        Object[][] single = {
            {CTRL, "CTRL"}, {STATUS, "STATUS"}, {EECD, "EECD"}, {EERD, "EERD"}, {CTRL_EXT, "CTRL_EXT"},
            {MDIC, "MDIC"}, {FCAL, "FCAL"}, {FCAH, "FCAH"}, {FCT, "FCT"}, {VET, "VET"}, {ICR, "ICR"},
            {ITR, "ITR"}, {ICS, "ICS"}, {IMS, "IMS"}, {IMC, "IMC"}, {RCTL, "RCTL"}, {FCTTV, "FCTTV"},
            {TXCW, "TXCW"}, {RXCW, "RXCW"}, {TCTL, "TCTL"}, {TIPG, "TIPG"}, {AIT, "AIT"}, {LEDCTL, "LEDCTL"},
            {PBA, "PBA"}, {FCRTL, "FCRTL"}, {FCRTH, "FCRTH"}, {RDFH, "RDFH"}, {RDFT, "RDFT"},
            {RDFHS, "RDFHS"}, {RDFTS, "RDFTS"}, {RDFPC, "RDFPC"}, {RDBAL, "RDBAL"}, {RDBAH, "RDBAH"},
            {RDLEN, "RDLEN"}, {RDH, "RDH"}, {RDT, "RDT"}, {RDTR, "RDTR"}, {RXDCTL, "RXDCTL"}, {RADV, "RADV"},
            {RSRPD, "RSRPD"}, {TXDMAC, "TXDMAC"}, {TDFH, "TDFH"}, {TDFT, "TDFT"}, {TDFHS, "TDFHS"},
            {TDFTS, "TDFTS"}, {TDFPC, "TDFPC"}, {TDBAL, "TDBAL"}, {TDBAH, "TDBAH"}, {TDLEN, "TDLEN"},
            {TDH, "TDH"}, {TDT, "TDT"}, {TIDV, "TIDV"}, {TXDCTL, "TXDCTL"}, {TADV, "TADV"}, {TSPMT, "TSPMT"},
            {CRCERRS, "CRCERRS"}, {ALGNERRC, "ALGNERRC"}, {SYMERRS, "SYMERRS"}, {RXERRC, "RXERRC"},
            {MPC, "MPC"}, {SCC, "SCC"}, {ECOL, "ECOL"}, {MCC, "MCC"}, {LATECOL, "LATECOL"}, {COLC, "COLC"},
            {DC, "DC"}, {TNCRS, "TNCRS"}, {SEC, "SEC"}, {CEXTERR, "CEXTERR"}, {RLEC, "RLEC"},
            {XONRXC, "XONRXC"}, {XONTXC, "XONTXC"}, {XOFFRXC, "XOFFRXC"}, {XOFFTXC, "XOFFTXC"},
            {FCRUC, "FCRUC"}, {PRC64, "PRC64"}, {PRC127, "PRC127"}, {PRC255, "PRC255"}, {PRC511, "PRC511"},
            {PRC1023, "PRC1023"}, {PRC1522, "PRC1522"}, {GPRC, "GPRC"}, {BPRC, "BPRC"}, {MPRC, "MPRC"},
            {GPTC, "GPTC"}, {GORCL, "GORCL"}, {GORCH, "GORCH"}, {GOTCL, "GOTCL"}, {GOTCH, "GOTCH"},
            {RNBC, "RNBC"}, {RUC, "RUC"}, {RFC, "RFC"}, {ROC, "ROC"}, {RJC, "RJC"}, {MGTPRC, "MGTPRC"},
            {MGTPDC, "MGTPDC"}, {MGTPTC, "MGTPTC"}, {TORL, "TORL"}, {TORH, "TORH"}, {TOTL, "TOTL"},
            {TOTH, "TOTH"}, {TPR, "TPR"}, {TPT, "TPT"}, {PTC64, "PTC64"}, {PTC127, "PTC127"},
            {PTC255, "PTC255"}, {PTC511, "PTC511"}, {PTC1023, "PTC1023"}, {PTC1522, "PTC1522"},
            {MPTC, "MPTC"}, {BPTC, "BPTC"}, {TSCTC, "TSCTC"}, {TSCTFC, "TSCTFC"}, {RXCSUM, "RXCSUM"},
            {WUC, "WUC"}, {WUFC, "WUFC"}, {WUS, "WUS"}, {MANC, "MANC"}, {IPAV, "IPAV"}, {WUPL, "WUPL"},
            {SWSM, "SWSM"},
        };
        for (Object[] s : single) {
            n[(Integer) s[0] >>> 2] = (String) s[1];
        }
        for (int i = 0; i < RA_COUNT; i++) {
            n[(RAL0 >>> 2) + 2 * i] = "RAL[" + i + "]";
            n[(RAH0 >>> 2) + 2 * i] = "RAH[" + i + "]";
        }
        array(n, MTA, MTA_COUNT, "MTA");
        array(n, VFTA, VFTA_COUNT, "VFTA");
        array(n, IP4AT, IP4AT_COUNT, "IP4AT");
        array(n, IP6AT, IP6AT_COUNT, "IP6AT");
        array(n, WUPM, WUPM_COUNT, "WUPM");
        array(n, FFLT, FFLT_COUNT, "FFLT");
        array(n, FFMT, FFMT_COUNT, "FFMT");
        array(n, FFVT, FFVT_COUNT, "FFVT");
        array(n, PBM, PBM_COUNT, "PBM");
        return n;
    }

    private static void array(String[] n, int base, int count, String name) {
        for (int i = 0; i < count; i++) {
            n[(base >>> 2) + i] = name + "[" + i + "]";
        }
    }
}
