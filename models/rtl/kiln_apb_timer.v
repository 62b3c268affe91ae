// kiln_apb_timer: the common cosim timer register map (docs/cosim.md),
// shared with the C and SystemC timers, as an AMBA APB4 slave (ARM IHI
// 0024C), clocked at 100 MHz: one tick is one PCLK period, 10 ns.
//
//   0x00 CTRL    bit 0 EN (count), bit 1 IE (interrupt enable),
//                bit 2 PERIODIC (COUNT restarts at 0 on a match)
//   0x04 LOAD    compare value in ticks
//   0x08 COUNT   ticks since the enabling write (read-only)
//   0x0c STATUS  bit 0 MATCH (sticky, write 1 to clear)
//   irq = STATUS.MATCH & CTRL.IE
//
// Time origin.  The register map counts from the moment the enabling
// write is issued, as the C and SystemC timers do.  An APB write only
// reaches the registers at the end of its access phase: the harness
// (cosim/verilator) puts the setup phase on the bus right after the
// clock edge at the access's time, so the write commits WRITE_LATENCY
// (2) edges later.  The timer counts those ticks as already elapsed: an
// enabling write loads COUNT with WRITE_LATENCY, and a disabling one
// takes back the tick counted between issue and commit.  With the
// enabling write at T (on the 10 ns grid) and LOAD = N > WRITE_LATENCY,
// the match, and the interrupt, are at T + N * 10 ns exactly.  A LOAD
// of WRITE_LATENCY or less matches at the enabling write's commit.
//
// Reads return the registers as they were when the access was issued:
// PRDATA is captured in the setup phase, before the edge that would add
// the next tick.
//
// Unknown offsets read as zero and ignore writes.  No wait states, no
// PSLVERR.
`timescale 1ns / 1ns
`default_nettype none

module kiln_apb_timer #(
    parameter [31:0] WRITE_LATENCY = 32'd2
) (
    input  wire        pclk,
    input  wire        presetn,
    input  wire        psel,
    input  wire        penable,
    input  wire        pwrite,
    input  wire [11:0] paddr,
    input  wire [31:0] pwdata,
    input  wire [3:0]  pstrb,
    output reg  [31:0] prdata,
    output wire        pready,
    output wire        pslverr,
    output wire        irq
);
    localparam [9:0] REG_CTRL = 10'h0;
    localparam [9:0] REG_LOAD = 10'h1;
    localparam [9:0] REG_COUNT = 10'h2;
    localparam [9:0] REG_STATUS = 10'h3;

    reg [2:0]  ctrl;
    reg [31:0] load;
    reg [31:0] count;
    reg        match;

    wire en = ctrl[0];
    wire ie = ctrl[1];
    wire periodic = ctrl[2];

    wire       setup = psel && !penable;
    // PREADY is always 1, so every access phase is the transfer's last.
    wire       wr = psel && penable && pwrite;
    wire [9:0] word = paddr[11:2];
    wire [31:0] wmask = {{8{pstrb[3]}}, {8{pstrb[2]}}, {8{pstrb[1]}},
                         {8{pstrb[0]}}};

    wire [31:0] ctrl_wr = (pwdata & wmask) | ({29'b0, ctrl} & ~wmask);
    wire [31:0] load_wr = (pwdata & wmask) | (load & ~wmask);
    wire        wr_ctrl = wr && word == REG_CTRL;
    wire        wr_load = wr && word == REG_LOAD;
    wire        wr_status = wr && word == REG_STATUS;
    wire        starting = wr_ctrl && ctrl_wr[0] && !en;
    wire        stopping = wr_ctrl && !ctrl_wr[0] && en;

    // The compare value in force at this edge: a LOAD written now counts.
    wire [31:0] load_now = wr_load ? load_wr : load;
    wire        load_set = load_now != 32'd0;
    wire [31:0] next = count + 32'd1;
    wire        hit = en && !stopping && !starting && load_set
                      && next == load_now;
    wire        hit_at_start = starting && load_set
                               && load_now <= WRITE_LATENCY;
    wire        periodic_now = wr_ctrl ? ctrl_wr[2] : periodic;

    // Byte lanes below a word and CTRL's reserved bits carry nothing.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{1'b0, paddr[1:0], ctrl_wr[31:3]};
    /* verilator lint_on UNUSEDSIGNAL */

    assign pready = 1'b1;
    assign pslverr = 1'b0;
    assign irq = match && ie;

    always @(posedge pclk or negedge presetn) begin
        if (!presetn) begin
            ctrl <= 3'b0;
            load <= 32'd0;
            count <= 32'd0;
            match <= 1'b0;
            prdata <= 32'd0;
        end else begin
            if (setup) begin
                case (word)
                    REG_CTRL: prdata <= {29'b0, ctrl};
                    REG_LOAD: prdata <= load;
                    REG_COUNT: prdata <= count;
                    REG_STATUS: prdata <= {31'b0, match};
                    default: prdata <= 32'd0;
                endcase
            end

            if (wr_ctrl) begin
                ctrl <= ctrl_wr[2:0];
            end
            if (wr_load) begin
                load <= load_wr;
            end

            if (starting) begin
                count <= (hit_at_start && periodic_now)
                         ? WRITE_LATENCY % load_now : WRITE_LATENCY;
            end else if (stopping) begin
                count <= count - (WRITE_LATENCY - 32'd1);
            end else if (hit && periodic_now) begin
                count <= 32'd0;
            end else if (en) begin
                count <= next;
            end

            // A match in the same edge as a clear wins: it is newer.
            if (hit || hit_at_start) begin
                match <= 1'b1;
            end else if (wr_status && pstrb[0] && pwdata[0]) begin
                match <= 1'b0;
            end
        end
    end
endmodule

`default_nettype wire
