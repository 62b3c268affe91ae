// kiln_axil_dma: a copy and CRC-32 engine with an AMBA AXI4-Lite slave
// port for its registers and an AXI4-Lite master port to board memory
// (ARM IHI 0022E, part B), 32-bit data on both.
//
//   0x00 SRC     source address (4-byte aligned)
//   0x04 DST     destination address (4-byte aligned; copy only)
//   0x08 LEN     bytes to move or to checksum
//   0x0c CTRL    bit 0 START (write 1; ignored while busy; reads as 0),
//                bit 1 IE (interrupt enable), bit 2 MODE (0 copy, 1 CRC-32)
//   0x10 STATUS  bit 0 DONE (sticky, write 1 to clear), bit 1 ERROR
//                (sticky, write 1 to clear), bit 2 BUSY (read-only)
//   0x14 CRC     CRC-32 of the last CRC run (IEEE 802.3, reflected,
//                as zlib's crc32: init and final XOR 0xffffffff)
//   irq = IE & (DONE | ERROR)
//
// START clears DONE and ERROR.  The engine moves one 32-bit word at a
// time: a read on AR/R, then (copy) a write on AW/W/B with WSTRB
// covering only the bytes left in the last word.  An unaligned SRC or
// DST, or a read or write answered with SLVERR or DECERR, ends the run
// with ERROR instead of DONE.  A zero LEN is DONE at once (CRC 0).
//
// Unimplemented: several outstanding transactions, byte alignment.
// Unknown register offsets read as zero and ignore writes.
`timescale 1ns / 1ns
`default_nettype none

module kiln_axil_dma (
    input  wire        aclk,
    input  wire        aresetn,

    // AXI4-Lite slave: the registers
    input  wire        s_awvalid,
    output wire        s_awready,
    input  wire [11:0] s_awaddr,
    input  wire        s_wvalid,
    output wire        s_wready,
    input  wire [31:0] s_wdata,
    input  wire [3:0]  s_wstrb,
    output reg         s_bvalid,
    input  wire        s_bready,
    output wire [1:0]  s_bresp,
    input  wire        s_arvalid,
    output wire        s_arready,
    input  wire [11:0] s_araddr,
    output reg         s_rvalid,
    input  wire        s_rready,
    output reg  [31:0] s_rdata,
    output wire [1:0]  s_rresp,

    // AXI4-Lite master: board memory
    output reg         m_awvalid,
    input  wire        m_awready,
    output reg  [31:0] m_awaddr,
    output reg         m_wvalid,
    input  wire        m_wready,
    output reg  [31:0] m_wdata,
    output reg  [3:0]  m_wstrb,
    input  wire        m_bvalid,
    output wire        m_bready,
    input  wire [1:0]  m_bresp,
    output reg         m_arvalid,
    input  wire        m_arready,
    output reg  [31:0] m_araddr,
    input  wire        m_rvalid,
    output wire        m_rready,
    input  wire [31:0] m_rdata,
    input  wire [1:0]  m_rresp,

    output wire        irq
);
    localparam [9:0] REG_SRC = 10'h0;
    localparam [9:0] REG_DST = 10'h1;
    localparam [9:0] REG_LEN = 10'h2;
    localparam [9:0] REG_CTRL = 10'h3;
    localparam [9:0] REG_STATUS = 10'h4;
    localparam [9:0] REG_CRC = 10'h5;

    localparam [2:0] S_IDLE = 3'd0;
    localparam [2:0] S_READ = 3'd1;     // AR out, then waiting for R
    localparam [2:0] S_WRITE = 3'd2;    // AW and W out, then waiting for B
    localparam [2:0] S_NEXT = 3'd3;     // one word done: advance or finish

    reg [31:0] src;
    reg [31:0] dst;
    reg [31:0] len;
    reg        ie;
    reg        mode_crc;
    reg        done;
    reg        error;
    reg [31:0] crc;         // the running CRC register, not yet inverted

    reg [2:0]  state;
    reg [31:0] offset;      // bytes of this run already handled

    wire busy = state != S_IDLE;
    wire [31:0] left = len - offset;
    wire [2:0]  word_bytes = left >= 32'd4 ? 3'd4 : left[2:0];

    // --- CRC-32, one byte per step, LSB first (polynomial 0xedb88320) ---
    function [31:0] crc32_byte(input [31:0] c, input [7:0] b);
        integer i;
        reg [31:0] x;
        begin
            x = c ^ {24'b0, b};
            for (i = 0; i < 8; i = i + 1) begin
                x = (x >> 1) ^ (x[0] ? 32'hedb88320 : 32'h0);
            end
            crc32_byte = x;
        end
    endfunction

    function [31:0] crc32_word(input [31:0] c, input [31:0] w,
                               input [2:0] n);
        integer i;
        reg [31:0] x;
        begin
            x = c;
            for (i = 0; i < 4; i = i + 1) begin
                if (i < n) begin
                    x = crc32_byte(x, w[i * 8 +: 8]);
                end
            end
            crc32_word = x;
        end
    endfunction

    // --- register port: one write and one read at a time ---
    //
    // A write is taken when AW and W are both valid and no response is
    // pending; AWREADY and WREADY rise together for that edge only.
    wire       s_wr = s_awvalid && s_wvalid && !s_bvalid;
    wire       s_rd = s_arvalid && !s_rvalid;
    wire [9:0] s_wword = s_awaddr[11:2];
    wire [31:0] wmask = {{8{s_wstrb[3]}}, {8{s_wstrb[2]}}, {8{s_wstrb[1]}},
                         {8{s_wstrb[0]}}};
    wire        wr_ctrl = s_wr && s_wword == REG_CTRL;
    wire [31:0] ctrl_wr = (s_wdata & wmask)
                          | ({29'b0, mode_crc, ie, 1'b0} & ~wmask);
    wire        start = wr_ctrl && ctrl_wr[0] && !busy;
    wire        mode_crc_next = wr_ctrl ? ctrl_wr[2] : mode_crc;
    wire        aligned = src[1:0] == 2'b0
                          && (mode_crc_next || dst[1:0] == 2'b0);
    wire        status_clear = s_wr && s_wword == REG_STATUS;

    assign s_awready = s_wr;
    assign s_wready = s_wr;
    assign s_bresp = 2'b00;
    assign s_arready = s_rd;
    assign s_rresp = 2'b00;

    // Byte lanes below a word and the low response bit (OKAY vs EXOKAY,
    // SLVERR vs DECERR) carry nothing this engine needs.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{1'b0, s_awaddr[1:0], s_araddr[1:0], m_bresp[0],
                    m_rresp[0], ctrl_wr[31:3]};
    /* verilator lint_on UNUSEDSIGNAL */

    assign m_bready = 1'b1;
    assign m_rready = 1'b1;
    assign irq = ie && (done || error);

    function [31:0] merge(input [31:0] old);
        merge = (s_wdata & wmask) | (old & ~wmask);
    endfunction

    always @(posedge aclk or negedge aresetn) begin
        if (!aresetn) begin
            src <= 32'd0;
            dst <= 32'd0;
            len <= 32'd0;
            ie <= 1'b0;
            mode_crc <= 1'b0;
            done <= 1'b0;
            error <= 1'b0;
            crc <= 32'hffffffff;
            state <= S_IDLE;
            offset <= 32'd0;
            s_bvalid <= 1'b0;
            s_rvalid <= 1'b0;
            s_rdata <= 32'd0;
            m_awvalid <= 1'b0;
            m_awaddr <= 32'd0;
            m_wvalid <= 1'b0;
            m_wdata <= 32'd0;
            m_wstrb <= 4'b0;
            m_arvalid <= 1'b0;
            m_araddr <= 32'd0;
        end else begin
            // --- register writes ---
            if (s_wr) begin
                s_bvalid <= 1'b1;
                case (s_wword)
                    REG_SRC: if (!busy) src <= merge(src);
                    REG_DST: if (!busy) dst <= merge(dst);
                    REG_LEN: if (!busy) len <= merge(len);
                    REG_CTRL: begin
                        ie <= ctrl_wr[1];
                        if (!busy) mode_crc <= ctrl_wr[2];
                    end
                    default: ;
                endcase
            end else if (s_bvalid && s_bready) begin
                s_bvalid <= 1'b0;
            end

            // --- register reads ---
            if (s_rd) begin
                s_rvalid <= 1'b1;
                case (s_araddr[11:2])
                    REG_SRC: s_rdata <= src;
                    REG_DST: s_rdata <= dst;
                    REG_LEN: s_rdata <= len;
                    REG_CTRL: s_rdata <= {29'b0, mode_crc, ie, 1'b0};
                    REG_STATUS: s_rdata <= {29'b0, busy, error, done};
                    REG_CRC: s_rdata <= ~crc;
                    default: s_rdata <= 32'd0;
                endcase
            end else if (s_rvalid && s_rready) begin
                s_rvalid <= 1'b0;
            end

            if (status_clear) begin
                if (s_wstrb[0] && s_wdata[0]) done <= 1'b0;
                if (s_wstrb[0] && s_wdata[1]) error <= 1'b0;
            end

            // --- the engine ---
            case (state)
                S_IDLE: if (start) begin
                    done <= 1'b0;
                    error <= 1'b0;
                    offset <= 32'd0;
                    if (mode_crc_next) crc <= 32'hffffffff;
                    if (!aligned) begin
                        error <= 1'b1;
                    end else if (len == 32'd0) begin
                        done <= 1'b1;
                    end else begin
                        m_arvalid <= 1'b1;
                        m_araddr <= src;
                        state <= S_READ;
                    end
                end
                S_READ: begin
                    if (m_arvalid && m_arready) begin
                        m_arvalid <= 1'b0;
                    end
                    if (m_rvalid && m_rready) begin
                        if (m_rresp[1]) begin
                            error <= 1'b1;
                            state <= S_IDLE;
                        end else if (mode_crc) begin
                            crc <= crc32_word(crc, m_rdata, word_bytes);
                            state <= S_NEXT;
                        end else begin
                            m_awvalid <= 1'b1;
                            m_awaddr <= dst + offset;
                            m_wvalid <= 1'b1;
                            m_wdata <= m_rdata;
                            m_wstrb <= word_bytes == 3'd4 ? 4'b1111
                                       : (4'b0001 << word_bytes) - 4'b0001;
                            state <= S_WRITE;
                        end
                    end
                end
                S_WRITE: begin
                    if (m_awvalid && m_awready) begin
                        m_awvalid <= 1'b0;
                    end
                    if (m_wvalid && m_wready) begin
                        m_wvalid <= 1'b0;
                    end
                    if (m_bvalid && m_bready) begin
                        if (m_bresp[1]) begin
                            error <= 1'b1;
                            state <= S_IDLE;
                        end else begin
                            state <= S_NEXT;
                        end
                    end
                end
                S_NEXT: begin
                    if (left <= 32'd4) begin
                        done <= 1'b1;
                        state <= S_IDLE;
                    end else begin
                        offset <= offset + 32'd4;
                        m_arvalid <= 1'b1;
                        m_araddr <= src + offset + 32'd4;
                        state <= S_READ;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

`default_nettype wire
